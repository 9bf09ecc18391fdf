/**
 * The Dockerfile frontend's conversion (BuildKit's `Dockerfile2LLB`): a
 * parsed Dockerfile and the build options in, the build graph of the target
 * stage and its image config out. Pure: images are resolved through the
 * injected `resolveImage`, and nothing runs.
 */
import { InvalidArgumentError } from '@kiln/errors';
import type { Dockerfile } from '@kiln/dockerfile-syntax';
import { GraphBuilder, type Definition, type VertexInput } from '@kiln/llb';
import { formatPlatform, type Platform } from '@kiln/oci';
import { parseInstruction } from '../instructions/instruction.js';
import { parseStages, type ParsedStages } from '../stages/parse-stages.js';
import { stageGraph } from '../stages/stage-graph.js';
import { predefinedArgs, proxyEnvFromBuildArgs } from './build-args.js';
import type { ConvertContext } from './dispatch-state.js';
import { dispatchStages, locateError } from './dispatch-stages.js';
import { rfc3339 } from './go-format.js';
import { toImageConfig, type ImageDraft } from './image-draft.js';
import { joinPath } from './paths.js';
import { checkAllStages, planStages, type StagePlan } from './plan-stages.js';
import { resolveSourceDateEpoch } from './source-date-epoch.js';
import { commandRefs } from './stage-refs.js';
import type { ConvertOptions, ConvertResult, ConvertWarning, ResolvedImage } from './types.js';

/** The name of the last stage (its `AS` name), read from the FROM lines alone. */
function lastStageName(dockerfile: Dockerfile, file: string): string | undefined {
  const froms = dockerfile.instructions.filter((n) => n.name.toLowerCase() === 'from');
  const last = froms[froms.length - 1];
  if (last === undefined) return undefined;
  const typed = parseInstruction(last, { file });
  return typed.kind === 'from' ? typed.stageName?.value : undefined;
}

/** BuildKit's count of dispatch states: stages plus one per `--from` (or mount) that names no stage. */
function stateCount(parsed: ParsedStages, escapeToken: Dockerfile['escapeChar']): number {
  let count = parsed.stages.length;
  for (const stage of parsed.stages) {
    for (const command of stage.commands) {
      for (const ref of commandRefs(parsed.stages, command, escapeToken)) if (ref !== undefined && ref.kind !== 'stage') count++;
    }
  }
  return count;
}

/**
 * Converts `dockerfile` for a build of `options.target` (default: the last
 * stage). Only the stages the target needs are resolved and converted;
 * the others are checked for what BuildKit checks everywhere (instruction
 * syntax, FROM expansion, base names, `--from` values, cycles) and nothing
 * else. Throws `DockerfileSyntaxError` for malformed instructions,
 * `LocatedError` (with the instruction's range and `file`) for conversion
 * errors, InvalidArgumentError for an unknown target, and whatever
 * `resolveImage` throws, located at the FROM line.
 */
export async function convertDockerfile(dockerfile: Dockerfile, options: ConvertOptions): Promise<ConvertResult> {
  const file = options.file ?? 'Dockerfile';
  const escapeToken = dockerfile.escapeChar;
  const warnings: ConvertWarning[] = [];
  for (const directive of dockerfile.directives) {
    if (directive.name === 'syntax') {
      warnings.push({ message: `# syntax=${directive.value} is served by kiln's built-in Dockerfile frontend`, range: directive.range });
    }
  }

  const buildArgs = new Map(options.buildArgs ?? []);
  if (options.sourceDateEpoch !== undefined && !buildArgs.has('SOURCE_DATE_EPOCH')) buildArgs.set('SOURCE_DATE_EPOCH', String(options.sourceDateEpoch));
  const targetStage = options.target !== undefined && options.target !== '' ? options.target : (lastStageName(dockerfile, file) ?? 'default');
  const builtins = predefinedArgs(options.buildPlatform, options.targetPlatform, targetStage, buildArgs);
  const parsed = parseStages(dockerfile, { file, buildArgs, builtinArgs: builtins, hostPlatform: options.targetPlatform });
  if (parsed.stages.length === 0) throw new InvalidArgumentError('dockerfile contains no stages to build');
  const globalArgs = new Map(parsed.globalArgs);

  let epoch: number | undefined;
  const sde = buildArgs.has('SOURCE_DATE_EPOCH') ? buildArgs.get('SOURCE_DATE_EPOCH')! : globalArgs.get('SOURCE_DATE_EPOCH') || undefined;
  if (sde !== undefined) {
    const resolved = resolveSourceDateEpoch(sde, parsed.stages, globalArgs, buildArgs, escapeToken);
    if (resolved.kind === 'seconds') epoch = resolved.seconds;
    if (resolved.kind === 'source') {
      warnings.push({ message: `SOURCE_DATE_EPOCH=${sde}: the time of stage ${resolved.stage}'s source (${resolved.source.identifier}) is not resolved by kiln yet; the build time is used` });
    }
    const formatted = epoch === undefined ? '' : String(epoch);
    for (const scope of [buildArgs, globalArgs]) {
      if (!scope.has('SOURCE_DATE_EPOCH')) continue;
      if (formatted === '') scope.delete('SOURCE_DATE_EPOCH');
      else scope.set('SOURCE_DATE_EPOCH', formatted);
    }
  }

  const graph = stageGraph(parsed, options.target, file);
  checkAllStages(parsed, graph, file, escapeToken);

  const memo = new Map<string, Promise<ResolvedImage>>();
  const plan = await planStages(parsed, graph, {
    file,
    escapeToken,
    targetPlatform: options.targetPlatform,
    resolve: (ref, platform, range) => {
      const key = `${ref} ${formatPlatform(platform)}`;
      let pending = memo.get(key);
      if (pending === undefined) {
        pending = options.resolveImage(ref, platform).catch((error: unknown) => {
          throw locateError(error instanceof Error ? Object.assign(new Error(`${ref}: ${error.message}`), { cause: error }) : error, range, file);
        });
        memo.set(key, pending);
      }
      return pending;
    },
  });

  const noCacheStages = new Set((options.noCacheFilter ?? []).map((s) => s.toLowerCase()));
  const pass = (includes: readonly string[] | undefined) =>
    runPass(plan, parsed, graph.target, {
      file,
      escapeToken,
      buildArgs,
      globalArgs,
      epoch,
      // Without an epoch, times stay unset for the exporter to fill from the layers' own (cached) times, as BuildKit does,
      // so a rebuild that reuses every step gives the same image.
      created: epoch !== undefined ? rfc3339(epoch * 1000) : undefined,
      targetPlatform: options.targetPlatform,
      contextName: options.contextName ?? 'context',
      ignorePatterns: options.ignorePatterns ?? [],
      includes,
      noCache: (name) => options.noCache === true || (name !== undefined && noCacheStages.has(name)),
      network: options.network ?? 'sandbox',
      stateCount: stateCount(parsed, escapeToken),
    });
  // The context's include patterns are every path the build reads from it, known only after a pass.
  const first = pass(undefined);
  const paths = [...first.ctxPaths];
  const result = paths.length === 0 || paths.includes('/') ? first : pass(paths.map((p) => joinPath('.', p)).sort());

  const target = result.states.get(graph.target)!;
  const image = target.image;
  if (options.labels !== undefined && options.labels.size > 0) {
    const labels = (image.config.Labels ??= {});
    for (const [k, v] of options.labels) labels[k] = v;
  }
  finalizePlatform(image, options.targetPlatform);
  const stage = parsed.stages[graph.target]!;
  return {
    definition: result.definition,
    image: toImageConfig(image, result.created),
    target: { index: graph.target, ...(stage.name === undefined ? {} : { name: stage.name }) },
    warnings: [...warnings, ...result.warnings],
    ...(epoch === undefined ? {} : { sourceDateEpoch: epoch }),
  };
}

/** The target platform written into the image, as BuildKit does for an explicit target platform. */
function finalizePlatform(draft: ImageDraft, platform: Platform): void {
  const sameOsArch = draft.os === platform.os && draft.architecture === platform.architecture;
  draft.os = platform.os;
  draft.architecture = platform.architecture;
  if (platform.variant || !sameOsArch) {
    if (platform.variant) draft.variant = platform.variant;
    else delete draft.variant;
  }
  if (platform['os.version'] || !sameOsArch) {
    if (platform['os.version']) draft.osVersion = platform['os.version'];
    else delete draft.osVersion;
  }
}

interface PassOptions {
  readonly file: string;
  readonly escapeToken: Dockerfile['escapeChar'];
  readonly buildArgs: ReadonlyMap<string, string>;
  readonly globalArgs: ReadonlyMap<string, string>;
  readonly epoch: number | undefined;
  readonly created: string | undefined;
  readonly targetPlatform: Platform;
  readonly contextName: string;
  readonly ignorePatterns: readonly string[];
  readonly includes: readonly string[] | undefined;
  readonly noCache: (stageName: string | undefined) => boolean;
  readonly network: 'sandbox' | 'host' | 'none';
  readonly stateCount: number;
}

function runPass(plan: StagePlan, parsed: ParsedStages, target: number, o: PassOptions) {
  const graph = new GraphBuilder();
  let context: VertexInput | undefined;
  const ctx: ConvertContext = {
    graph,
    file: o.file,
    escapeToken: o.escapeToken,
    buildArgs: o.buildArgs,
    globalArgs: o.globalArgs,
    proxyEnv: proxyEnvFromBuildArgs(o.buildArgs),
    epoch: o.epoch,
    created: o.created,
    targetPlatform: o.targetPlatform,
    cacheNamespace: o.buildArgs.get('BUILDKIT_CACHE_MOUNT_NS') ?? '',
    defaultNetwork: o.network,
    contextInput: () => {
      context ??= graph
        .add(
          {
            type: 'source',
            identifier: `local://${o.contextName}`,
            attrs: {
              'local.sharedkeyhint': o.contextName,
              ...(o.ignorePatterns.length > 0 ? { 'local.excludepatterns': JSON.stringify(o.ignorePatterns) } : {}),
              ...(o.includes === undefined ? {} : { 'local.includepattern': JSON.stringify(o.includes) }),
            },
          },
          [],
          { metadata: { name: '[internal] load build context' } },
        )
        .output();
      return context;
    },
    ctxPaths: new Set(),
    warnings: [],
  };
  const states = dispatchStages(ctx, plan, { stages: parsed.stages, stateCount: o.stateCount, noCache: o.noCache });
  const definition: Definition = graph.definition(states.get(target)!.state);
  return { definition, states, ctxPaths: ctx.ctxPaths, warnings: ctx.warnings, created: o.created };
}
