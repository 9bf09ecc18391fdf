import type { DatabaseSync } from 'node:sqlite';
import type { ImmutableRef, KilnCacheManager } from '@kiln/cache';
import { InvalidArgumentError, NotFoundError } from '@kiln/errors';
import { SourceAttr, type SourceOp } from '@kiln/llb';
import { downloadHttp, imageRef, resolveImage, syncLocalContext, type ImageSourceDeps } from '@kiln/source';
import type { OpContext } from '@kiln/solver';
import { toAbortSignal } from './signal.js';
import type { ResolvedSource, SourceResolver } from './worker-context.js';

/**
 * `docker-image://REF` sources over `@kiln/source`: the reference is
 * resolved (kiln's image store first, then the registry; `image.resolvemode`
 * `pull` asks the registry again) for the vertex's platform; the pin is the
 * resolved digest (key part `base image digest`); the ref is the image's
 * layers through the cache, extraction progress reported as `ctx.progress`.
 */
export function imageSourceResolver(cache: KilnCacheManager, deps: ImageSourceDeps): SourceResolver {
  return {
    async resolve(op, platform, ctx) {
      const ref = op.identifier.slice('docker-image://'.length);
      const abort = toAbortSignal(ctx.signal);
      try {
        const image = await resolveImage(deps, ref, platform, { pull: op.attrs[SourceAttr.imageResolveMode] === 'pull', signal: abort.signal });
        return {
          pin: image.manifest.digest,
          parts: { 'base image digest': image.manifest.digest },
          async snapshot(c: OpContext) {
            const a = toAbortSignal(c.signal);
            try {
              return await imageRef(cache, image, { signal: a.signal, onProgress: (done, total) => c.progress(`extract ${image.ref}`, `extracting ${image.ref}`, done, total) });
            } finally {
              a.dispose();
            }
          },
        };
      } finally {
        abort.dispose();
      }
    },
  };
}

/**
 * `local://NAME` sources (the build context and named local contexts) over
 * `@kiln/source`'s incremental sync. The sync runs when the source is
 * resolved, so the pin (the synced snapshot, which changes exactly when the
 * selected files do) is known for the cache key; the ref is let go right
 * away and reopened by `snapshot`, so a step found in the cache holds
 * nothing. `local.includepattern` and `local.excludepatterns` (JSON arrays)
 * select the files.
 *
 * @throws NotFoundError (from resolve) for a context name not in `dirs`.
 */
export function localSourceResolver(cache: KilnCacheManager, db: DatabaseSync, dirs: Readonly<Record<string, string>>): SourceResolver {
  return {
    async resolve(op) {
      const name = op.identifier.slice('local://'.length);
      const dir = dirs[name];
      if (dir === undefined) throw new NotFoundError(`local source ${JSON.stringify(name)} was not given to the build; known: ${Object.keys(dirs).join(', ') || 'none'}`);
      const sync = () =>
        syncLocalContext({
          cache,
          db,
          dir,
          includePatterns: jsonList(op, SourceAttr.localIncludePatterns),
          excludePatterns: jsonList(op, SourceAttr.localExcludePatterns),
        });
      const first = await sync();
      const id = first.ref.id;
      await first.ref.release();
      return { pin: id, parts: { [`context ${name}`]: id }, snapshot: () => reopen(cache, id, async () => (await sync()).ref) };
    },
  };
}

/**
 * `http://` and `https://` sources (ADD <url>) over `@kiln/source`'s
 * download, with `http.checksum`, `http.filename`, `http.perm`, `http.uid`,
 * `http.gid`. The download (or its revalidation: ETag, Last-Modified, or a
 * known checksum) happens at resolve time; the pin is the content digest and
 * file name.
 */
export function httpSourceResolver(cache: KilnCacheManager, db: DatabaseSync): SourceResolver {
  return {
    async resolve(op, _platform, ctx) {
      const attrs = op.attrs;
      const num = (name: string, radix = 10): number | undefined => (attrs[name] === undefined ? undefined : Number.parseInt(attrs[name]!, radix));
      const abort = toAbortSignal(ctx.signal);
      const download = () =>
        downloadHttp({ cache, db }, op.identifier, {
          checksum: attrs[SourceAttr.httpChecksum],
          filename: attrs[SourceAttr.httpFilename],
          perm: num(SourceAttr.httpPerm, 8),
          uid: num(SourceAttr.httpUid),
          gid: num(SourceAttr.httpGid),
          signal: abort.signal,
        });
      try {
        const first = await download();
        const id = first.ref.id;
        await first.ref.release();
        const pin = `${first.digest} ${first.filename}`;
        return { pin, parts: { [`download ${op.identifier}`]: pin }, snapshot: () => reopen(cache, id, async () => (await download()).ref) };
      } finally {
        abort.dispose();
      }
    },
  };
}

/** The ref `id` again, or made anew when it was pruned since it was resolved. */
async function reopen(cache: KilnCacheManager, id: string, remake: () => Promise<ImmutableRef>): Promise<ImmutableRef> {
  try {
    return await cache.get(id);
  } catch (error) {
    if ((error as { code?: string }).code === 'NotFound') return remake();
    throw error;
  }
}

function jsonList(op: SourceOp, attr: string): string[] | undefined {
  const raw = op.attrs[attr];
  if (raw === undefined || raw === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new InvalidArgumentError(`source ${op.identifier}: attribute ${attr} must be a JSON array of strings; got ${JSON.stringify(raw)}`, { cause: error });
  }
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string')) {
    throw new InvalidArgumentError(`source ${op.identifier}: attribute ${attr} must be a JSON array of strings; got ${JSON.stringify(raw)}`);
  }
  return parsed as string[];
}

export type { ResolvedSource };
