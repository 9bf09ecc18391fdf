import { DockerfileSyntaxError, InvalidArgumentError, type SourceRange } from '@kiln/errors';
import { parseRunMount } from '../instructions/commands-runmount.js';
import { suggest } from '../instructions/suggest.js';
import type { ParsedStages, Stage } from './parse-stages.js';

/** What a stage starts from. */
export type StageBase =
  | { readonly kind: 'scratch' }
  | { readonly kind: 'stage'; readonly index: number }
  | { readonly kind: 'image'; readonly ref: string };

/** One stage in the graph: its base, the stages it needs, and the images it reads. */
export interface StageNode {
  readonly index: number;
  readonly name: string | undefined;
  readonly base: StageBase;
  /** Indexes of the stages this one reads (FROM a stage, `COPY --from`, `RUN --mount from=`), ascending, without repeats. */
  readonly dependsOn: readonly number[];
  /** Images this one reads besides its base (`COPY --from=image`, `RUN --mount from=image`), in order, without repeats. */
  readonly images: readonly string[];
}

/** The stage DAG of a Dockerfile, and what a build of `target` needs. */
export interface StageGraph {
  readonly nodes: readonly StageNode[];
  /** Index of the target stage: the `target` asked for, or the last stage. */
  readonly target: number;
  /** The stages the target needs, itself included, in an order that builds each after its dependencies; the rest never run. */
  readonly needed: readonly number[];
}

/**
 * Resolves a `--from` value the way BuildKit does: a stage name (any stage,
 * case-insensitive), a stage index, or else an image reference.
 */
function resolveFrom(stages: readonly Stage[], from: string): StageBase {
  const lower = from.toLowerCase();
  const named = stages.find((s) => s.name === lower);
  if (named !== undefined) return { kind: 'stage', index: named.index };
  if (/^\d+$/.test(from) && Number(from) < stages.length) return { kind: 'stage', index: Number(from) };
  return from === 'scratch' ? { kind: 'scratch' } : { kind: 'image', ref: from };
}

/** A FROM base names only an earlier stage; anything else is an image (or scratch). */
function resolveBase(stages: readonly Stage[], stage: Stage): StageBase {
  const base = stage.baseName.value;
  if (base.toLowerCase() === 'scratch') return { kind: 'scratch' };
  const named = stages.find((s) => s.index < stage.index && s.name === base.toLowerCase());
  return named === undefined ? { kind: 'image', ref: base } : { kind: 'stage', index: named.index };
}

/**
 * Builds the stage graph of `parsed` and picks the stages a build of
 * `target` (a stage name, case-insensitive; default the last stage) needs.
 * Throws InvalidArgumentError naming an unknown target (with a suggestion),
 * and DockerfileSyntaxError `circular dependency detected on stage: NAME` for
 * a cycle, as BuildKit does.
 */
export function stageGraph(parsed: ParsedStages, target?: string, file?: string): StageGraph {
  const stages = parsed.stages;
  const ranges: SourceRange[] = [];
  const nodes: StageNode[] = stages.map((stage) => {
    const base = resolveBase(stages, stage);
    const deps = new Set<number>(base.kind === 'stage' ? [base.index] : []);
    const images: string[] = [];
    const add = (from: string): void => {
      const resolved = resolveFrom(stages, from);
      if (resolved.kind === 'stage') deps.add(resolved.index);
      else if (resolved.kind === 'image' && !images.includes(resolved.ref)) images.push(resolved.ref);
    };
    for (const command of stage.commands) {
      if ((command.kind === 'copy' || command.kind === 'add') && 'from' in command && command.from !== '') add(command.from);
      if (command.kind === 'run') {
        for (const m of command.mounts) {
          const from = parseRunMount(m.value, (w) => w).from;
          if (from !== undefined && from !== '') add(from);
        }
      }
    }
    ranges.push(stage.range);
    return { index: stage.index, name: stage.name, base, dependsOn: [...deps].sort((a, b) => a - b), images };
  });

  // A cycle is reported at the first stage, in file order, that can reach itself.
  for (const start of nodes) {
    const seen = new Set<number>();
    const stack = [...start.dependsOn];
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (i === start.index) {
        throw new DockerfileSyntaxError(`circular dependency detected on stage: ${start.name ?? start.index}`, [ranges[start.index]!], file === undefined ? {} : { file });
      }
      if (seen.has(i)) continue;
      seen.add(i);
      stack.push(...nodes[i]!.dependsOn);
    }
  }

  let targetIndex = nodes.length - 1;
  if (target !== undefined && target !== '') {
    const found = nodes.find((n) => n.name === target.toLowerCase());
    if (found === undefined) {
      const names = nodes.flatMap((n) => (n.name === undefined ? [] : [n.name]));
      const hint = suggest(target.toLowerCase(), names, false);
      throw new InvalidArgumentError(`target stage "${target}" could not be found${hint === undefined ? '' : ` (did you mean ${hint}?)`}`);
    }
    targetIndex = found.index;
  }
  const needed: number[] = [];
  const visit = (i: number): void => {
    if (needed.includes(i)) return;
    for (const d of nodes[i]!.dependsOn) visit(d);
    needed.push(i);
  };
  visit(targetIndex);
  return { nodes, target: targetIndex, needed };
}
