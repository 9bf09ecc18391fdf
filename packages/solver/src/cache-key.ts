import { digestOf } from '@kiln/llb';
import type { CacheMap } from './contract.js';

/**
 * How one input enters a cache key: the producing vertex's key and which of
 * its outputs is used, or, for a content-based dependency, the content digest
 * of the paths the op reads in that input.
 */
export type CacheKeyInput = { readonly key: string; readonly output: number } | { readonly content: string };

/**
 * The cache key of a step: the digest of its op's own part
 * ({@link CacheMap.digest}) and of its inputs, in input order. Equal keys mean
 * "the same work on the same inputs", in this build or any earlier one.
 *
 * @param opDigest - `CacheMap.digest` of the step's op.
 * @param inputs - one entry per input (per `CacheMap.deps`), in order.
 * @returns a `sha256:` digest.
 */
export function cacheKey(opDigest: string, inputs: readonly CacheKeyInput[]): string {
  return digestOf({ op: opDigest, inputs });
}
