/**
 * Which stage each stage starts from and reads, and which stages a build of
 * the target reaches (BuildKit's `addState`, `toCommand`, `detectRunMount`
 * and `allReachableStages`), for the lint walk.
 */
import { parseRunMount } from '../instructions/commands-runmount.js';
import { suggest } from '../instructions/suggest.js';
import type { LintStage } from './from-checks.js';
import { stop } from './linter.js';

/** How the stages hang together. */
export interface StageLinks {
  /** For each stage, the earlier stage its FROM names, if any. */
  readonly base: readonly (number | undefined)[];
  /** For each stage, the stages it reads with `COPY --from` or `RUN --mount from=`. */
  readonly deps: readonly (readonly number[])[];
  /** The target's index. */
  readonly target: number;
}

/**
 * Links the stages. A FROM names a stage defined before it (the latest of
 * that name, compared as written after expansion); `--from` names any stage
 * (case-insensitive) or an index. Stops with BuildKit's message for an
 * unknown `target` and for a dependency cycle.
 */
export function linkStages(stages: readonly LintStage[], target: string | undefined): StageLinks {
  const byName = new Map<string, number>();
  const base = stages.map((stage) => {
    const found = byName.get(stage.base);
    if (stage.name !== undefined) byName.set(stage.name, stage.index);
    return found;
  });
  const lookup = (from: string): number | undefined => {
    if (/^\d+$/.test(from)) {
      const i = Number(from);
      return i < stages.length ? i : undefined;
    }
    return byName.get(from.toLowerCase());
  };
  const deps = stages.map((stage) => {
    const out = new Set<number>();
    for (const command of stage.commands) {
      if (command.kind === 'copy' && command.from !== '') {
        const i = lookup(command.from);
        if (i !== undefined) out.add(i);
      }
      if (command.kind === 'run') {
        for (const mount of command.mounts) {
          let from: string | undefined;
          try {
            from = parseRunMount(mount.value, (w) => w).from;
          } catch {
            continue;
          }
          const i = from === undefined || from === '' ? undefined : byName.get(from.toLowerCase());
          if (i !== undefined) out.add(i);
        }
      }
    }
    return [...out];
  });

  for (const stage of stages) {
    const seen = new Set<number>();
    const stack = [...deps[stage.index]!, ...(base[stage.index] === undefined ? [] : [base[stage.index]!])];
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (i === stage.index) stop(`circular dependency detected on stage: ${stage.name ?? `stage-${stage.index}`}`, [stage.from.range]);
      if (seen.has(i)) continue;
      seen.add(i);
      stack.push(...deps[i]!, ...(base[i] === undefined ? [] : [base[i]!]));
    }
  }

  let targetIndex = stages.length - 1;
  if (target !== undefined && target !== '') {
    const found = byName.get(target.toLowerCase());
    if (found === undefined) {
      const names = stages.flatMap((s) => (s.name === undefined ? [] : [s.name]));
      const hint = suggest(target, names, true);
      stop(`target stage ${JSON.stringify(target)} could not be found${hint === undefined ? '' : ` (did you mean ${hint}?)`}`, []);
    }
    targetIndex = found;
  }
  return { base, deps, target: targetIndex };
}

/** The stages a build of `links.target` dispatches: the target, its bases and what they read, transitively. */
export function reachableStages(links: StageLinks): Set<number> {
  const out = new Set<number>();
  const visit = (i: number): void => {
    if (out.has(i)) return;
    out.add(i);
    const b = links.base[i];
    if (b !== undefined) visit(b);
    for (const d of links.deps[i]!) visit(d);
  };
  visit(links.target);
  return out;
}
