/**
 * One pass over the planned stages in file order (BuildKit's
 * `dispatchStages`): each stage starts from its base and each instruction
 * is dispatched to the file that converts it.
 */
import { DockerfileSyntaxError, InvalidArgumentError, LocatedError, isKilnError, type SourceRange } from '@kiln/errors';
import type { VertexInput } from '@kiln/llb';
import type { Platform } from '@kiln/oci';
import { InstructionError } from '../instructions/instruction-error.js';
import type { Command } from '../instructions/instruction.js';
import type { Stage } from '../stages/parse-stages.js';
import { dispatchCopy } from './dispatch-copy.js';
import * as meta from './dispatch-metadata.js';
import { dispatchRun } from './dispatch-run.js';
import type { ConvertContext, DispatchSite, StageState } from './dispatch-state.js';
import { dispatchWorkdir } from './dispatch-workdir.js';
import { EnvList, parseKeyValue } from './env-list.js';
import { cloneDraft, defaultPathEnv, draftFromConfig, emptyImage, type ImageDraft } from './image-draft.js';
import { isEmptyImage, type PlannedStage, type StagePlan } from './plan-stages.js';
import { normalizeWorkdir } from './paths.js';
import { commandRefs, type FromRef } from './stage-refs.js';
import { prefixCommand } from './step-name.js';
import type { ResolvedImage } from './types.js';

/** Per-build facts the pass needs besides the context. */
export interface DispatchOptions {
  readonly stages: readonly Stage[];
  /** How many states BuildKit counts (stages plus one per `--from` that is not a stage): with one, steps carry no stage name. */
  readonly stateCount: number;
  readonly noCache: (stageName: string | undefined) => boolean;
}

/** Turns any error of an instruction into one located at `range`. */
export function locateError(error: unknown, range: SourceRange, file: string): unknown {
  if (error instanceof LocatedError) return error;
  if (error instanceof InstructionError) {
    return new DockerfileSyntaxError(error.message, error.part === undefined ? [range] : [range, error.part], { file, cause: error });
  }
  if (error instanceof Error) return new LocatedError(error.message, [range], { file, cause: error, ...(isKilnError(error) ? { code: error.code } : {}) });
  return error;
}

function imageVertex(ctx: ConvertContext, d: StageState, resolved: ResolvedImage, platform: Platform, site: Omit<DispatchSite, 'sources'>): VertexInput {
  return ctx.graph
    .add({ type: 'source', identifier: `docker-image://${resolved.ref}`, attrs: {} }, [], {
      platform,
      metadata: { name: prefixCommand(d, `FROM ${resolved.ref}`), stableId: site.stableId },
      locations: [{ file: ctx.file, ranges: [site.range] }],
    })
    .output();
}

/** Fills env, dir and user from the image config, as BuildKit does when a stage starts. */
function adoptImageState(d: StageState): void {
  const env = d.image.config.Env;
  if (!env.some((e) => parseKeyValue(e)[0] === 'PATH') && d.image.os !== 'windows') env.push(`PATH=${defaultPathEnv}`);
  for (const entry of env) d.env = d.env.set(...parseKeyValue(entry));
  const wd = d.image.config.WorkingDir;
  if (wd !== undefined && wd !== '') d.dir = normalizeWorkdir(wd, wd);
  if (d.image.config.User !== undefined && d.image.config.User !== '') d.user = d.image.config.User;
}

function newState(index: number, stageName: string, platform: Platform, image: ImageDraft, cmdTotal: number, ignoreCache: boolean): StageState {
  return {
    index, stageName, state: undefined, env: new EnvList(), dir: '', user: '', platform, image, buildArgs: [],
    cmdIndex: 0, cmdTotal, cmdIsOnBuild: false, cmdSet: false, ignoreCache, dispatched: false,
  };
}

const numbered = new Set(['add', 'copy', 'run', 'workdir']);

/** Dispatches every planned stage; returns the states by stage index. */
export function dispatchStages(ctx: ConvertContext, plan: StagePlan, options: DispatchOptions): Map<number, StageState> {
  const states = new Map<number, StageState>();
  const fromState = (ref: FromRef, d: StageState, what: string, range: SourceRange): StageState | undefined => {
    if (ref.kind === 'scratch') return undefined;
    if (ref.kind === 'stage') {
      const src = states.get(ref.index);
      if (src === undefined || !src.dispatched) {
        throw new InvalidArgumentError(`cannot copy from stage ${JSON.stringify(what)}, it needs to be defined before current stage ${JSON.stringify(d.stageName)}`);
      }
      return src;
    }
    const resolved = plan.fromImages.get(ref.ref)!;
    const image = newState(-1, '', ctx.targetPlatform, draftFromConfig(resolved.config), 0, false);
    if (!isEmptyImage(resolved.config)) image.state = imageVertex(ctx, image, resolved, ctx.targetPlatform, { range, stableId: `${ctx.file}:image:${resolved.ref}` });
    image.dispatched = true;
    return image;
  };

  for (const planned of plan.stages.values()) {
    const d = startStage(ctx, planned, states, options);
    states.set(planned.stage.index, d);
    const commands: [Command, boolean, string][] = [
      ...planned.triggers.map((c, i): [Command, boolean, string] => [c, true, `0.onbuild.${i}`]),
      ...planned.stage.commands.map((c, i): [Command, boolean, string] => [c, false, String(i + 1)]),
    ];
    for (const [command, isOnBuild, n] of commands) {
      const range = isOnBuild ? planned.stage.range : command.range;
      try {
        d.cmdIsOnBuild = isOnBuild;
        const refs = commandRefs(options.stages, command, ctx.escapeToken);
        const label = (ref: FromRef): string =>
          command.kind === 'copy' ? command.from : ref.kind === 'stage' ? (options.stages[ref.index]!.name ?? String(ref.index)) : '';
        const sources = refs.map((ref) => (ref === undefined ? undefined : fromState(ref, d, label(ref), range)));
        const site: DispatchSite = { range, stableId: `${ctx.file}:${planned.stage.name ?? planned.stage.index}:${n}`, sources };
        dispatchCommand(ctx, d, command, site);
      } catch (error) {
        throw locateError(error, range, ctx.file);
      }
    }
    d.cmdIsOnBuild = false;
    d.dispatched = true;
  }
  return states;
}

function startStage(ctx: ConvertContext, planned: PlannedStage, states: Map<number, StageState>, options: DispatchOptions): StageState {
  const stage = planned.stage;
  const stageName = options.stateCount === 1 ? '' : (stage.name ?? `stage-${stage.index}`);
  const base = planned.base;
  const counted = stage.commands.filter((c) => numbered.has(c.kind)).length + planned.triggers.length + (base.kind === 'image' ? 1 : 0);
  const ignoreCache = options.noCache(stage.name);
  const stableId = `${ctx.file}:${stage.name ?? stage.index}:0`;
  let d: StageState;
  if (base.kind === 'stage') {
    const parent = states.get(base.index)!;
    d = newState(stage.index, stageName, parent.platform, cloneDraft(parent.image), counted, ignoreCache);
    d.state = parent.state;
    d.env = parent.env;
    d.dir = parent.dir;
    d.user = parent.user;
    d.buildArgs = [...parent.buildArgs];
  } else if (base.kind === 'image') {
    d = newState(stage.index, stageName, planned.platform, draftFromConfig(base.resolved.config), counted, ignoreCache);
    if (!isEmptyImage(base.resolved.config)) d.state = imageVertex(ctx, d, base.resolved, planned.platform, { range: stage.range, stableId });
  } else {
    d = newState(stage.index, stageName, planned.platform, emptyImage(planned.platform), counted, ignoreCache);
  }
  // Triggers of the base run now; they are not passed on to images built from this one.
  delete d.image.config.OnBuild;
  adoptImageState(d);
  return d;
}

function dispatchCommand(ctx: ConvertContext, d: StageState, c: Command, site: DispatchSite): void {
  switch (c.kind) {
    case 'run': return dispatchRun(ctx, d, c, site);
    case 'copy': case 'add': return dispatchCopy(ctx, d, c, site);
    case 'workdir': return dispatchWorkdir(ctx, d, c, site);
    case 'env': return meta.dispatchEnv(ctx, d, c);
    case 'label': return meta.dispatchLabel(ctx, d, c);
    case 'user': return meta.dispatchUser(ctx, d, c);
    case 'cmd': return meta.dispatchCmd(ctx, d, c);
    case 'entrypoint': return meta.dispatchEntrypoint(ctx, d, c);
    case 'shell': return meta.dispatchShell(ctx, d, c);
    case 'healthcheck': return meta.dispatchHealthcheck(ctx, d, c);
    case 'expose': return meta.dispatchExpose(ctx, d, c);
    case 'volume': return meta.dispatchVolume(ctx, d, c);
    case 'stopsignal': return meta.dispatchStopSignal(ctx, d, c);
    case 'maintainer': return meta.dispatchMaintainer(ctx, d, c);
    case 'onbuild': return meta.dispatchOnbuild(d, c);
    case 'arg': return meta.dispatchArg(ctx, d, c);
  }
}
