import type { CacheManager, ImmutableRef } from '@kiln/cache';
import type { Executor } from '@kiln/executor';
import type { SourceOp } from '@kiln/llb';
import type { Platform } from '@kiln/oci';
import type { ContentDigest, OpContext } from '@kiln/solver';
import type { SecretSource } from './exec/secrets.js';

/** What a source resolver knows about a source before fetching it. */
export interface ResolvedSource {
  /**
   * What pins the content: an image manifest digest, the context's content
   * digest, an http checksum or ETag. Enters the source's cache key, so a
   * moved tag or a changed download misses.
   */
  readonly pin: string;
  /** Named key parts for explaining misses (for an image: `base image digest`); default `{ source: pin }`. */
  readonly parts?: Readonly<Record<string, string>>;
  /** Fetches (pulls, syncs, downloads) and returns the tree as a ref the caller releases. */
  snapshot(ctx: OpContext): Promise<ImmutableRef>;
  /**
   * The content digest of `selectors` in a ref this source made, when the
   * source knows better than the cache (the local context, checksummed as it
   * was read); undefined lets the cache compute it.
   */
  checksum?(ref: ImmutableRef, selectors: readonly string[]): Promise<ContentDigest | undefined>;
}

/**
 * Resolves one kind of source op (a URL scheme of its identifier): the port
 * through which the worker uses `@kiln/source`. `resolve` is called once per
 * vertex per solve (from the op's cacheMap) and its answer reused by exec.
 */
export interface SourceResolver {
  resolve(op: SourceOp, platform: Platform | undefined, ctx: OpContext): Promise<ResolvedSource>;
}

/**
 * Everything {@link createWorker} needs.
 * `sources` maps an identifier scheme (`docker-image`, `local`, `http`,
 * `https`, `oci-layout`) to its resolver; a scheme without one is an error
 * when a vertex uses it.
 */
export interface WorkerOptions {
  readonly cache: CacheManager;
  readonly executor: Executor;
  readonly sources: Readonly<Record<string, SourceResolver>>;
  /** `--secret` values by id; read only when a step mounts them. */
  readonly secrets?: ReadonlyMap<string, SecretSource>;
  /** `--ssh` agent sockets by id (`default` for the default one): host paths of unix sockets. */
  readonly ssh?: ReadonlyMap<string, string>;
  /** The platform ops run for when a vertex names none (the host's). */
  readonly platform: Platform;
}
