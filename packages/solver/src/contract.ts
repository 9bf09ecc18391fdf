/**
 * The solver's contract with whoever runs ops (the worker) and remembers
 * results (the cache). The solver is generic: it knows vertices, digests,
 * cache keys and results as opaque handles, never snapshots, layers or op
 * types. The worker turns each llb vertex into a {@link SolverOp}; the cache
 * package implements {@link CacheStore} over its database.
 */
import type { Definition, DefinitionVertex } from '@kiln/llb';

/**
 * A result of an op: an opaque handle only the worker understands (a cache
 * ref over a snapshot). The solver passes results between ops, hands the
 * root's to the caller, and releases every other one when the solve ends.
 */
export interface Result {
  /** A stable identity, e.g. the snapshot name; used in logs and cache records. */
  readonly id: string;
  /** A second handle on the same result that must be released separately (the solver shares results between consumers). */
  clone(): Result;
  /** Lets go of what the handle holds (a lease). Idempotent. */
  release(): Promise<void>;
}

/** How one input of an op enters the op's cache key. */
export interface CacheDep {
  /**
   * When true the input contributes the content digest of `selectors` in its
   * result (computed by {@link SolverOp.contentDigest}) instead of its cache
   * key, so an upstream change that leaves the read files as they were still
   * hits the cache (COPY reading a few files of the context or of a stage).
   */
  readonly contentBased: boolean;
  /** Paths in the input this op reads; empty means the whole tree. */
  readonly selectors: readonly string[];
}

/** What an op contributes to its own cache key. */
export interface CacheMap {
  /** A digest of everything about the op that changes its outputs, apart from its inputs. */
  readonly digest: string;
  /** One entry per input, in input order. */
  readonly deps: readonly CacheDep[];
  /**
   * The op's key parts, named for people (`command`, `env VERSION`,
   * `base image digest`), each with a value or a digest of it. Compared with
   * the last run of the same step to explain a miss. Secrets never appear here.
   */
  readonly parts: Readonly<Record<string, string>>;
}

/** The content digest of some paths in a result, with per-file digests to explain what changed. */
export interface ContentDigest {
  readonly digest: string;
  /** Path → digest of its content and metadata, for at most a few thousand paths; absent when too many. */
  readonly files?: Readonly<Record<string, string>>;
}

/**
 * The part of the platform's AbortSignal the solver uses. The solver is a pure
 * package compiled without DOM or Node types; a real AbortSignal fits.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { readonly once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** What an op gets while it runs. */
export interface OpContext {
  /**
   * Aborted when the solve is cancelled or another vertex failed. Where the
   * platform has AbortController (Node, browsers) this is a real AbortSignal,
   * so it can be handed on to `fetch`, streams or the executor as it is.
   */
  readonly signal: AbortSignalLike;
  /** Output of the step (a RUN's stdout/stderr) as it comes. */
  log(stream: 'stdout' | 'stderr', data: Uint8Array): void;
  /** Progress of a sub-task of the step (a download, an unpack), in bytes. */
  progress(id: string, name: string, current: number, total: number | undefined): void;
  /** A warning about the step. */
  warn(message: string): void;
}

/** How one vertex runs; made by the worker for each vertex. */
export interface SolverOp {
  /** The op's part of its cache key. May do I/O (a source resolves an image tag to a digest here). */
  cacheMap(ctx: OpContext): Promise<CacheMap>;
  /** The content digest of `selectors` in `input` (a result this op takes as an input). */
  contentDigest(input: Result, selectors: readonly string[], ctx: OpContext): Promise<ContentDigest>;
  /** Runs the op on its inputs' results; returns one result per output. The op does not release its inputs. */
  exec(inputs: readonly Result[], ctx: OpContext): Promise<readonly Result[]>;
}

/** Makes a {@link SolverOp} for a vertex: the worker. */
export interface OpResolver {
  resolve(vertex: DefinitionVertex, definition: Definition): SolverOp;
}

/** The parts of a step's cache key as they were the last time it ran, for explaining a miss. */
export interface KeyParts {
  /** The op's own parts ({@link CacheMap.parts}). */
  readonly op: Readonly<Record<string, string>>;
  /** Per input: its cache key, or its content digest with per-file digests. */
  readonly inputs: readonly ({ readonly key: string } | { readonly content: ContentDigest })[];
}

/** Remembers results by cache key across builds and processes. */
export interface CacheStore {
  /** The results saved under `key`, one per output, as new handles the caller releases; undefined when absent or gone. */
  load(key: string): Promise<readonly Result[] | undefined>;
  /** Saves `results` (one per output) under `key`; the store takes its own hold on them. */
  save(key: string, results: readonly Result[]): Promise<void>;
  /** The key parts recorded for a step's stable id, if any. */
  lastParts(stableId: string): Promise<KeyParts | undefined>;
  /** Records the key parts of a step's latest run. */
  recordParts(stableId: string, parts: KeyParts): Promise<void>;
}
