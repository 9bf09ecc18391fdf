import type { AbortSignalLike, CacheStore, OpResolver, Result } from './contract.js';
import type { SolveEvent } from './events.js';

/** What {@link solve} needs besides the definition. */
export interface SolveOptions {
  /** Makes the op of each vertex (the worker). Called at most once per vertex per solve. */
  readonly resolver: OpResolver;
  /** Where results are looked up by cache key and saved after they run. */
  readonly cacheStore: CacheStore;
  /**
   * How many ops may run at once (exec and content digests; an integer >= 1,
   * or Infinity): the host's cores, or `--jobs N`. Steps waiting for their
   * inputs do not count.
   */
  readonly concurrency: number;
  /** Cancels the solve: running ops see `ctx.signal` abort, and the solve rejects with CanceledError once they settled. */
  readonly signal?: AbortSignalLike;
  /**
   * Receives every event, synchronously, in order. It must not throw; if it
   * does, the exception is dropped so a display bug cannot stop the build or
   * leak its results.
   */
  readonly onEvent?: (event: SolveEvent) => void;
  /** The clock for event times, in milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number;
}

/** Counts of a finished solve. */
export interface SolveStats {
  /** Steps whose op ran in this solve. */
  readonly executed: number;
  /** Steps reported `vertex.cached`: loaded from the cache, or not needed because a later step was. */
  readonly cached: number;
}

/** What a successful {@link solve} returns. */
export interface SolveResult {
  /**
   * The root output's result, a handle the caller owns and must release;
   * undefined when the definition has no root (an empty filesystem).
   */
  readonly root: Result | undefined;
  readonly stats: SolveStats;
}
