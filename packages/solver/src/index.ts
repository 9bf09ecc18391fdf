/**
 * @packageDocumentation
 * The generic build-graph solver: dedupes vertices, computes cache keys,
 * schedules work with bounded concurrency, reports progress and cancels
 * cleanly. It knows no op types: the worker supplies them through
 * {@link OpResolver}, and the cache remembers results through {@link CacheStore}.
 */
export type { AbortSignalLike, Result, CacheDep, CacheMap, ContentDigest, OpContext, SolverOp, OpResolver, KeyParts, CacheStore } from './contract.js';
export type { SolveEvent } from './events.js';
export { solve } from './solve.js';
export type { SolveOptions, SolveResult, SolveStats } from './solve-options.js';
export { SolveError, OUTPUT_TAIL_BYTES } from './solve-error.js';
export { cacheKey, type CacheKeyInput } from './cache-key.js';
export { cacheMissReasons, explainCacheMiss, MAX_PATHS_PER_INPUT } from './explain-miss.js';
export { createAbortController, type AbortControllerLike } from './abort.js';
