/**
 * The cache manager's contract: refs over snapshots that the worker runs ops
 * on, the source package fills, and the exporter turns into image layers; a
 * persistent home for RUN cache mounts; content checksums for cache keys; and
 * cache records. It is structurally compatible with `@kiln/solver`'s `Result`
 * and `CacheStore`, which this package cannot import (ARCHITECTURE.md), so the
 * worker passes refs to the solver as they are.
 *
 * Lifecycle: every ref handed out holds a lease on its snapshot and must be
 * released; `clone()` gives a second, independent hold. A released ref's
 * snapshot stays while a cache record, an image or another ref uses it, and
 * is removed by `prune` afterwards.
 */
import type { Descriptor, Digest } from '@kiln/oci';
import type { Mount } from '@kiln/snapshot';

/** One layer of a ref's chain: the blob in content and its diff_id. */
export interface LayerRecord {
  readonly descriptor: Descriptor;
  readonly diffId: Digest;
  /**
   * Where the blob came from, as {@link ImmutableRef.layers} reports it:
   * `image` for a layer applied from an image's blob (kept byte for byte;
   * `sourceDateEpoch` and `compression` never change it), `diff` for a layer
   * diffed from a snapshot the build made (its mtimes clamped when an epoch
   * was asked for). Unset on records handed to `fromLayers`.
   */
  readonly origin?: 'image' | 'diff';
  /** When the layer's snapshot was committed, in milliseconds since the epoch (BuildKit's ref creation time). */
  readonly createdAt?: number;
  /** What made the snapshot (`RUN …`, `layer sha256:…`), when recorded. */
  readonly description?: string;
}

/** A committed, read-only tree: a committed snapshot and the chain of snapshots below it. */
export interface ImmutableRef {
  /** The committed snapshot's name. */
  readonly id: string;
  /** The ref below this one in the chain (this ref's snapshot is a layer on top of it), or undefined for a base. */
  readonly parent: ImmutableRef | undefined;
  /** Read-only mounts of the whole tree; call `release` when done with them (a view is removed then). */
  mount(): Promise<{ readonly mounts: readonly Mount[]; release(): Promise<void> }>;
  /**
   * The layers of the chain, base first: for each snapshot, its diff against
   * its parent as a layer blob in content. Computed once per snapshot and
   * compression and remembered; layers that came from an image are its
   * original blobs, untouched.
   */
  layers(options?: {
    readonly compression?: 'gzip' | 'zstd' | 'uncompressed';
    /** gzip 0–9, zstd 1–22; default the compressor's (gzip 6, zstd 3). Part of what is remembered. */
    readonly compressionLevel?: number;
    readonly sourceDateEpoch?: number;
  }): Promise<readonly LayerRecord[]>;
  clone(): ImmutableRef;
  release(): Promise<void>;
}

/** A writable tree being made: an active snapshot. */
export interface MutableRef {
  readonly id: string;
  /** Read-write mounts of the tree; mount them, write, unmount before `commit`. */
  readonly mounts: readonly Mount[];
  /** Makes the tree a committed {@link ImmutableRef}; this ref is used up. */
  commit(): Promise<ImmutableRef>;
  /** Throws the tree away. Idempotent; a no-op after commit. */
  release(): Promise<void>;
}

/** A RUN cache mount's directory, held for the duration of one RUN. */
export interface CacheMountHandle {
  /** Bind-mountable host directory. */
  readonly path: string;
  release(): Promise<void>;
}

/** Per-path content digests for cache keys (see `@kiln/solver`'s ContentDigest). */
export interface ContentChecksum {
  readonly digest: string;
  readonly files?: Readonly<Record<string, string>>;
}

/** Everything the build's lower layers ask of the cache. */
export interface CacheManager {
  /** A new writable tree on `parent`, or an empty one. */
  newMutable(parent: ImmutableRef | undefined, options?: { readonly description?: string }): Promise<MutableRef>;
  /**
   * The ref of an image's root filesystem from its layers (blobs in content,
   * base first): each layer is applied once into a snapshot named by its chain
   * id and reused by every image that shares the chain.
   */
  fromLayers(layers: readonly LayerRecord[], options?: { readonly signal?: AbortSignal; readonly onProgress?: (done: number, total: number) => void }): Promise<ImmutableRef>;
  /** The refs stacked in order, later over earlier (COPY --link): a chain whose layers are the refs' own. */
  merge(refs: readonly ImmutableRef[]): Promise<ImmutableRef>;
  /** A ref by id, for results loaded from cache records. Throws NotFoundError when it is gone. */
  get(id: string): Promise<ImmutableRef>;
  /**
   * The directory behind `RUN --mount=type=cache,id=…`, kept across builds.
   * `shared` lets concurrent users in; `locked` waits for the holder;
   * `private` gives a concurrent user a directory of its own. A new directory
   * gets `init`'s mode and owner.
   */
  cacheMount(id: string, sharing: 'shared' | 'private' | 'locked', init?: { readonly mode?: number; readonly uid?: number; readonly gid?: number }): Promise<CacheMountHandle>;
  /**
   * The content digest of `selectors` (paths, possibly with wildcards) in
   * `ref`: file content, mode, ownership and symlink targets, never mtimes.
   * Incremental: unchanged files (same size, mtime, ctime, inode) are not read
   * again.
   */
  checksum(ref: ImmutableRef, selectors: readonly string[], options?: { readonly followSymlinks?: boolean; readonly excludePatterns?: readonly string[] }): Promise<ContentChecksum>;
  /** Cache records: results by cache key, and the key parts of each step's last run. */
  readonly records: {
    load(key: string): Promise<readonly ImmutableRef[] | undefined>;
    save(key: string, results: readonly ImmutableRef[]): Promise<void>;
    lastParts(stableId: string): Promise<unknown>;
    recordParts(stableId: string, parts: unknown): Promise<void>;
  };
  /** Removes what no record, image or live ref uses; returns the bytes freed. */
  prune(options?: { readonly keepBytes?: number }): Promise<{ readonly freedBytes: number }>;
}
