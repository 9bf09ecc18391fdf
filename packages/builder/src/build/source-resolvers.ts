import type { DatabaseSync } from 'node:sqlite';
import { InvalidArgumentError, NotFoundError } from '@kiln/errors';
import { SourceAttr, type SourceOp } from '@kiln/llb';
import type { Platform } from '@kiln/oci';
import type { KilnCacheManager } from '@kiln/cache';
import { downloadHttp, imageRef, resolveImage, syncLocalContext, type ImageSourceDeps } from '@kiln/source';
import type { ResolvedSource, SourceResolver } from '@kiln/worker';

/** What the source resolvers of one build share. */
export interface SourceResolverDeps {
  readonly cache: KilnCacheManager;
  readonly db: DatabaseSync;
  readonly images: ImageSourceDeps;
  /** Context directories by name (`context` for the build context). */
  readonly contexts: ReadonlyMap<string, string>;
  /** Refs made while resolving that no step may take; released when the build ends. */
  readonly held: { release(): Promise<void> }[];
}

const jsonList = (value: string | undefined): string[] | undefined => (value === undefined ? undefined : (JSON.parse(value) as string[]));

/**
 * `local://NAME`: the named context directory, synced into a snapshot with
 * only the selected files. Syncing stats files and copies only what changed,
 * and reuses the previous snapshot when nothing did, so the snapshot's id pins
 * the context's content: a cache hit on this source can never serve stale files.
 */
function localResolver(deps: SourceResolverDeps): SourceResolver {
  return {
    async resolve(op: SourceOp): Promise<ResolvedSource> {
      const name = op.identifier.slice('local://'.length);
      const dir = deps.contexts.get(name);
      if (dir === undefined) throw new NotFoundError(`build context "${name}" was not given`);
      const synced = await syncLocalContext({
        cache: deps.cache,
        db: deps.db,
        dir,
        includePatterns: jsonList(op.attrs[SourceAttr.localIncludePatterns]),
        excludePatterns: jsonList(op.attrs[SourceAttr.localExcludePatterns]),
      });
      deps.held.push(synced.ref);
      return { pin: synced.ref.id, parts: { context: synced.ref.id }, snapshot: async () => synced.ref.clone() };
    },
  };
}

/** `docker-image://REF@DIGEST`: the image's layers as a chain of snapshots, pulled first when missing. */
function imageResolver(deps: SourceResolverDeps): SourceResolver {
  return {
    async resolve(op: SourceOp, platform: Platform | undefined): Promise<ResolvedSource> {
      const ref = op.identifier.slice('docker-image://'.length);
      const image = await resolveImage(deps.images, ref, platform);
      return {
        pin: image.manifest.digest,
        parts: { 'base image digest': image.manifest.digest },
        snapshot: (ctx) => imageRef(deps.cache, image, { signal: ctx.signal as AbortSignal }),
      };
    },
  };
}

/** `https://…` (ADD of a URL): one downloaded file, checked against `--checksum`. */
function httpResolver(deps: SourceResolverDeps): SourceResolver {
  return {
    async resolve(op: SourceOp, _platform, ctx): Promise<ResolvedSource> {
      const attr = (k: string): string | undefined => op.attrs[k];
      const num = (k: string, base = 10): number | undefined => (attr(k) === undefined ? undefined : Number.parseInt(attr(k)!, base));
      const downloaded = await downloadHttp({ cache: deps.cache, db: deps.db }, op.identifier, {
        checksum: attr(SourceAttr.httpChecksum),
        filename: attr(SourceAttr.httpFilename),
        perm: num(SourceAttr.httpPerm, 8),
        uid: num(SourceAttr.httpUid),
        gid: num(SourceAttr.httpGid),
        signal: ctx.signal as AbortSignal,
      });
      deps.held.push(downloaded.ref);
      return { pin: downloaded.digest, parts: { 'download digest': downloaded.digest }, snapshot: async () => downloaded.ref.clone() };
    },
  };
}

/** The source resolvers by scheme, for the worker. */
export function sourceResolvers(deps: SourceResolverDeps): Readonly<Record<string, SourceResolver>> {
  const unsupported: SourceResolver = {
    resolve: (op) => Promise.reject(new InvalidArgumentError(`source ${JSON.stringify(op.identifier)} is not supported`)),
  };
  return { local: localResolver(deps), 'docker-image': imageResolver(deps), https: httpResolver(deps), http: httpResolver(deps), git: unsupported };
}
