/**
 * @packageDocumentation
 * The generic build-graph solver: dedupes vertices, computes cache keys,
 * schedules work with bounded concurrency, reports progress and cancels
 * cleanly. It knows no op types: the worker supplies them through
 * {@link OpResolver}, and the cache remembers results through {@link CacheStore}.
 */
export type { AbortSignalLike, Result, CacheDep, CacheMap, ContentDigest, OpContext, SolverOp, OpResolver, KeyParts, CacheStore } from './contract.js';
export type { SolveEvent } from './events.js';
