/**
 * What `COPY --from` and `RUN --mount from=` name: an earlier stage, or an
 * image (BuildKit's `toCommand` and `detectRunMount`), and the checks
 * BuildKit makes on every stage, reached or not.
 */
import { InvalidArgumentError } from '@kiln/errors';
import { processWord, type EscapeToken } from '@kiln/shell';
import { parseCsvFields } from '../instructions/csv-fields.js';
import type { Command } from '../instructions/instruction.js';
import type { Stage } from '../stages/parse-stages.js';

/** What a `--from` names. `scratch` is the empty tree (a cache mount without `from` seeds from it). */
export type FromRef = { readonly kind: 'stage'; readonly index: number } | { readonly kind: 'image'; readonly ref: string } | { readonly kind: 'scratch' };

/**
 * Resolves a COPY `--from`: a stage name (case-insensitive), a stage index,
 * or an image. Throws InvalidArgumentError for a value with variables
 * (`variable expansion is not supported for --from, …`) and for an index
 * that names no stage (`invalid stage index N`).
 */
export function copyFromRef(stages: readonly Stage[], from: string, escapeToken: EscapeToken): FromRef {
  const expanded = processWord(from, new Map(), { escapeToken }).value;
  if (expanded !== from) {
    throw new InvalidArgumentError('variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround');
  }
  if (/^[+-]?\d+$/.test(from)) {
    const index = Number(from);
    if (index < 0 || index >= stages.length) throw new InvalidArgumentError(`invalid stage index ${index}`);
    return { kind: 'stage', index };
  }
  const named = stages.find((s) => s.name === from.toLowerCase());
  if (named !== undefined) return { kind: 'stage', index: named.index };
  return from.toLowerCase() === 'scratch' ? { kind: 'scratch' } : { kind: 'image', ref: from };
}

/** Resolves a mount's `from` (a stage name or an image; none means scratch for BuildKit's bookkeeping). */
export function mountFromRef(stages: readonly Stage[], from: string | undefined): FromRef {
  if (from === undefined || from === '') return { kind: 'scratch' };
  const named = stages.find((s) => s.name === from.toLowerCase());
  if (named !== undefined) return { kind: 'stage', index: named.index };
  return from.toLowerCase() === 'scratch' ? { kind: 'scratch' } : { kind: 'image', ref: from };
}

/** The `--from` references of one command: one for a COPY with `--from`, one per `--mount` of a RUN, none otherwise. */
export function commandRefs(stages: readonly Stage[], command: Command, escapeToken: EscapeToken): (FromRef | undefined)[] {
  if (command.kind === 'copy') return command.from === '' ? [] : [copyFromRef(stages, command.from, escapeToken)];
  if (command.kind === 'run') return command.mounts.map((m) => mountFromRef(stages, mountFrom(m.value)));
  return [];
}

/** The `from=` field of a `--mount` value, read without expanding anything (it may not hold variables). */
function mountFrom(value: string): string | undefined {
  for (const field of parseCsvFields(value)) {
    const eq = field.indexOf('=');
    if (eq > 0 && field.slice(0, eq).toLowerCase() === 'from') return field.slice(eq + 1);
  }
  return undefined;
}
