/**
 * Which stages a build reaches and what their bases are (BuildKit's
 * `resolveStages`): the target, the stages it reads, and the stages their
 * ONBUILD triggers read, with each reached base image resolved once.
 * Stages the target does not need are never resolved nor converted.
 */
import { LocatedError, isKilnError, type SourceRange } from '@kiln/errors';
import { parseReference, referenceToString, type ImageConfig, type Platform } from '@kiln/oci';
import type { EscapeToken } from '@kiln/shell';
import type { Command } from '../instructions/instruction.js';
import type { ParsedStages, Stage } from '../stages/parse-stages.js';
import type { StageGraph } from '../stages/stage-graph.js';
import { parseTriggers } from './onbuild-triggers.js';
import { commandRefs } from './stage-refs.js';
import type { ResolvedImage } from './types.js';

/** A reached stage: its commands (triggers first) and its base. */
export interface PlannedStage {
  readonly stage: Stage;
  readonly base: { readonly kind: 'scratch' } | { readonly kind: 'stage'; readonly index: number } | { readonly kind: 'image'; readonly ref: string; readonly resolved: ResolvedImage };
  /** ONBUILD triggers of the base, run right after FROM. */
  readonly triggers: readonly Command[];
  readonly platform: Platform;
}

/** The build plan: reached stages in file order. */
export interface StagePlan {
  readonly stages: ReadonlyMap<number, PlannedStage>;
  /** Images named by `--from` in the reached stages, resolved. */
  readonly fromImages: ReadonlyMap<string, ResolvedImage>;
}

/** Resolves each image once per reference and platform. */
export type ImageResolver = (ref: string, platform: Platform, range: SourceRange) => Promise<ResolvedImage>;

/** `name` with `:latest` when it has neither tag nor digest (`TagNameOnly`), normalised (`docker.io/library/…`). */
export function normaliseImageName(name: string): string {
  const ref = parseReference(name);
  return referenceToString(ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: 'latest' } : ref);
}

function located(error: unknown, range: SourceRange, file: string, prefix?: string): LocatedError {
  const message = `${prefix === undefined ? '' : `${prefix}: `}${error instanceof Error ? error.message : String(error)}`;
  return new LocatedError(message, [range], { file, cause: error, ...(isKilnError(error) ? { code: error.code } : {}) });
}

/** True for an image with no layers (BuildKit treats it as scratch). */
export function isEmptyImage(config: ImageConfig): boolean {
  return config.rootfs.diff_ids.length === 0 && (config.history ?? []).every((h) => h.empty_layer === true);
}

/**
 * Checks every stage (reached or not) as BuildKit does before choosing:
 * image base names parse, and COPY `--from` values hold no variables and
 * name valid indexes. Throws a located error.
 */
export function checkAllStages(parsed: ParsedStages, graph: StageGraph, file: string, escapeToken: EscapeToken): void {
  for (const node of graph.nodes) {
    const stage = parsed.stages[node.index]!;
    if (node.base.kind === 'image') {
      try {
        parseReference(node.base.ref);
      } catch (error) {
        throw located(error, stage.range, file, `failed to parse stage name ${JSON.stringify(node.base.ref)}`);
      }
    }
    for (const command of stage.commands) {
      try {
        commandRefs(parsed.stages, command, escapeToken);
      } catch (error) {
        throw located(error, command.range, file);
      }
    }
  }
}

/**
 * Plans the build of `graph.target`: repeats reachability until ONBUILD
 * triggers add no new dependency, resolving the base image of each reached
 * stage (in parallel) and then the images named by `--from`.
 */
export async function planStages(
  parsed: ParsedStages,
  graph: StageGraph,
  options: { readonly file: string; readonly escapeToken: EscapeToken; readonly targetPlatform: Platform; readonly resolve: ImageResolver },
): Promise<StagePlan> {
  const { file, escapeToken } = options;
  const stages = parsed.stages;
  const triggerDeps = new Map<number, number[]>();
  const triggers = new Map<number, Command[]>();
  const bases = new Map<number, PlannedStage['base']>();
  const platformOf = (stage: Stage): Platform => stage.platform?.platform ?? options.targetPlatform;

  let reached: number[] = [];
  for (;;) {
    const seen = new Set<number>();
    const visit = (i: number): void => {
      if (seen.has(i)) return;
      seen.add(i);
      for (const dep of graph.nodes[i]!.dependsOn) visit(dep);
      for (const dep of triggerDeps.get(i) ?? []) visit(dep);
    };
    visit(graph.target);
    reached = [...seen].sort((a, b) => a - b);

    await Promise.all(
      reached
        .filter((i) => !bases.has(i))
        .map(async (i) => {
          const node = graph.nodes[i]!;
          if (node.base.kind !== 'image') {
            bases.set(i, node.base);
            return;
          }
          const stage = stages[i]!;
          const ref = normaliseImageName(node.base.ref);
          const resolved = await options.resolve(ref, platformOf(stage), stage.range);
          bases.set(i, { kind: 'image', ref, resolved });
        }),
    );

    let newDeps = false;
    for (const i of reached) {
      if (triggers.has(i)) continue;
      const base = bases.get(i)!;
      const texts =
        base.kind === 'image'
          ? (base.resolved.config.config?.OnBuild ?? [])
          : base.kind === 'stage'
            ? stages[base.index]!.commands.flatMap((c) => (c.kind === 'onbuild' ? [c.expression] : []))
            : [];
      const stage = stages[i]!;
      let parsedTriggers: Command[];
      try {
        parsedTriggers = parseTriggers(texts);
      } catch (error) {
        throw located(error, stage.range, file);
      }
      triggers.set(i, parsedTriggers);
      const deps: number[] = [];
      for (const command of parsedTriggers) {
        let refs;
        try {
          refs = commandRefs(stages, command, escapeToken);
        } catch (error) {
          throw located(error, stage.range, file);
        }
        if (refs.length > 0) newDeps = true;
        for (const ref of refs) if (ref?.kind === 'stage') deps.push(ref.index);
      }
      triggerDeps.set(i, deps);
    }
    if (!newDeps) break;
  }

  const fromImages = new Map<string, ResolvedImage>();
  const wanted = new Map<string, SourceRange>();
  for (const i of reached) {
    for (const command of [...triggers.get(i)!, ...stages[i]!.commands]) {
      for (const ref of commandRefs(stages, command, escapeToken)) {
        if (ref?.kind === 'image' && !wanted.has(ref.ref)) wanted.set(ref.ref, command.range);
      }
    }
  }
  await Promise.all(
    [...wanted].map(async ([name, range]) => {
      let ref: string;
      try {
        ref = normaliseImageName(name);
      } catch (error) {
        throw located(error, range, file, `failed to parse stage name ${JSON.stringify(name)}`);
      }
      fromImages.set(name, await options.resolve(ref, options.targetPlatform, range));
    }),
  );

  const planned = new Map<number, PlannedStage>();
  for (const i of reached) {
    const stage = stages[i]!;
    planned.set(i, { stage, base: bases.get(i)!, triggers: triggers.get(i)!, platform: platformOf(stage) });
  }
  return { stages: planned, fromImages };
}
