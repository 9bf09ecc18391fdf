import { InvalidArgumentError } from '@kiln/errors';
import { validateDefinition, type Definition } from '@kiln/llb';
import { SolveSession } from './solve-session.js';
import type { SolveOptions, SolveResult } from './solve-options.js';
import type { SolveError } from './solve-error.js';
import type { explainCacheMiss } from './explain-miss.js';

/**
 * Builds the root of `definition`: computes every needed step's cache key,
 * reuses what the cache store has, runs the rest with at most
 * `options.concurrency` ops at once, and reports progress through
 * `options.onEvent`.
 *
 * Work is lazy, as in BuildKit: a step's key is the digest of its op's cache
 * map and of its inputs' keys (or, for content-based inputs, of the content
 * it reads), so keys are known without running anything but the inputs whose
 * content matters. A step is looked up once its key is known; only on a miss
 * are its inputs' results needed, and only then are they looked up or run.
 * A fully cached build loads the root's result (and the results content-based
 * inputs need) and runs nothing.
 *
 * A step with `metadata.ignoreCache` is not looked up but runs and is saved;
 * so are the steps that use its key (they build on a fresh result), while
 * steps that read it by content still hit when what they read is unchanged.
 *
 * A step that misses although it ran before under the same
 * `metadata.stableId` gets one `vertex.cachemiss` saying what changed since
 * (see {@link explainCacheMiss}); a step never built before gets none. Key
 * parts are recorded for every step that ran or was reused.
 *
 * Each vertex runs at most once per solve. On the first failure every running
 * op sees `ctx.signal` abort; the solve waits until they settled (reporting
 * them `vertex.canceled`), releases every result it holds and rejects with a
 * {@link SolveError} naming the failed step, whose `cause` is the op's error.
 * When `options.signal` aborts, the same clean-up ends in a CanceledError.
 *
 * @returns the root result (the caller releases it) and counts.
 * @throws InvalidArgumentError for a malformed definition or concurrency;
 *   SolveError for a failed step; CanceledError when cancelled.
 */
export async function solve(definition: Definition, options: SolveOptions): Promise<SolveResult> {
  validateDefinition(definition);
  const { concurrency } = options;
  if (!(concurrency === Number.POSITIVE_INFINITY || (Number.isInteger(concurrency) && concurrency >= 1))) {
    throw new InvalidArgumentError(`solve concurrency must be an integer of at least 1, got ${String(concurrency)}`);
  }
  return new SolveSession(definition, options).run();
}
