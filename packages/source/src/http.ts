import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import type { ImmutableRef, KilnCacheManager } from '@kiln/cache';
import { DataLossError, InvalidArgumentError, UnavailableError } from '@kiln/errors';

/** Options of {@link downloadHttp} (BuildKit's `http.*` source attributes). */
export interface HttpSourceOptions {
  /** Expected digest of the content (`ADD --checksum=sha256:…`). */
  readonly checksum?: string | undefined;
  /** File name in the ref; default from Content-Disposition, else the URL's last path segment, else `index`. */
  readonly filename?: string | undefined;
  /** File mode; default 0o600 as BuildKit. */
  readonly perm?: number | undefined;
  readonly uid?: number | undefined;
  readonly gid?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** What {@link downloadHttp} produced. */
export interface HttpSourceResult {
  /** A committed ref holding one file; the caller releases it. */
  readonly ref: ImmutableRef;
  /** sha256 of the content. */
  readonly digest: string;
  readonly filename: string;
  /** True when the earlier download was reused (304 Not Modified, or a known `checksum`). */
  readonly cached: boolean;
}

const schema = `CREATE TABLE IF NOT EXISTS source_http (
  key TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  etag TEXT,
  last_modified TEXT,
  snapshot TEXT NOT NULL,
  digest TEXT NOT NULL,
  filename TEXT NOT NULL
)`;

interface CachedRow {
  etag: string | null;
  last_modified: string | null;
  snapshot: string;
  digest: string;
  filename: string;
}

/**
 * Downloads `url` (http or https) into a new ref with one file, streaming
 * it through sha256; the file's mtime is the response's Last-Modified, as
 * in BuildKit. Earlier downloads of the same URL (and options) are
 * remembered: with `checksum` a download with that digest is reused without
 * asking the server; otherwise the server is asked with If-None-Match /
 * If-Modified-Since and a 304 reuses it.
 *
 * @throws DataLossError when the content does not match `checksum`;
 *   InvalidArgumentError for a URL that is not http(s) or a bad checksum;
 *   UnavailableError for a failed request or a non-2xx status.
 */
export async function downloadHttp(deps: { readonly cache: KilnCacheManager; readonly db: DatabaseSync }, url: string, options: HttpSourceOptions = {}): Promise<HttpSourceResult> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InvalidArgumentError(`http source ${JSON.stringify(url)}: expected an http:// or https:// URL`);
  if (options.checksum !== undefined && !/^sha256:[0-9a-f]{64}$/.test(options.checksum)) {
    throw new InvalidArgumentError(`invalid checksum ${JSON.stringify(options.checksum)}: expected sha256: and 64 lowercase hex digits`);
  }
  deps.db.exec(schema);
  const key = createHash('sha256').update(JSON.stringify([url, options.filename ?? null, options.perm ?? null, options.uid ?? null, options.gid ?? null])).digest('hex');
  const known = deps.db.prepare('SELECT etag, last_modified, snapshot, digest, filename FROM source_http WHERE key = ?').get(key) as CachedRow | undefined;
  const knownRef = known === undefined ? undefined : await deps.cache.get(known.snapshot).catch(() => undefined);
  if (knownRef !== undefined && options.checksum !== undefined && `sha256:${known!.digest}` === options.checksum) {
    return { ref: knownRef, digest: known!.digest, filename: known!.filename, cached: true };
  }
  const headers: Record<string, string> = {};
  if (knownRef !== undefined && known!.etag !== null) headers['if-none-match'] = known!.etag;
  if (knownRef !== undefined && known!.last_modified !== null) headers['if-modified-since'] = known!.last_modified;
  let response: Response;
  try {
    response = await fetch(url, { headers, redirect: 'follow', ...(options.signal === undefined ? {} : { signal: options.signal }) });
  } catch (cause) {
    await knownRef?.release();
    throw new UnavailableError(`GET ${url}: ${(cause as Error).message}`, { cause });
  }
  if (response.status === 304 && knownRef !== undefined) {
    await response.body?.cancel();
    verify(known!.digest, options.checksum, url);
    return { ref: knownRef, digest: known!.digest, filename: known!.filename, cached: true };
  }
  await knownRef?.release();
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new UnavailableError(`GET ${url}: invalid response status ${response.status}`);
  }
  const filename = options.filename ?? filenameOf(response.headers.get('content-disposition'), parsed);
  const mutable = await deps.cache.newMutable(undefined, { description: `http ${url}` });
  let digest: string;
  try {
    const dir = mutable.mounts.length === 1 && mutable.mounts[0]!.type === 'bind' ? mutable.mounts[0]!.source : undefined;
    if (dir === undefined) throw new InvalidArgumentError('a base snapshot is expected to be a bind mount');
    const file = path.join(dir, filename);
    digest = await writeBody(response.body, file);
    verify(digest, options.checksum, url);
    fs.chmodSync(file, options.perm ?? 0o600);
    fs.chownSync(file, options.uid ?? 0, options.gid ?? 0);
    const lastModified = response.headers.get('last-modified');
    const mtime = lastModified === null ? Number.NaN : Date.parse(lastModified);
    if (!Number.isNaN(mtime)) fs.utimesSync(file, new Date(mtime), new Date(mtime));
  } catch (error) {
    await mutable.release();
    throw error;
  }
  const ref = await mutable.commit();
  deps.db
    .prepare(
      `INSERT INTO source_http (key, url, etag, last_modified, snapshot, digest, filename) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, snapshot = excluded.snapshot, digest = excluded.digest, filename = excluded.filename`,
    )
    .run(key, url, response.headers.get('etag'), response.headers.get('last-modified'), ref.id, digest, filename);
  return { ref, digest, filename, cached: false };
}

function verify(digest: string, expected: string | undefined, url: string): void {
  if (expected !== undefined && `sha256:${digest}` !== expected) throw new DataLossError(`digest mismatch for ${url}: expected ${expected}, got sha256:${digest}`);
}

async function writeBody(body: ReadableStream<Uint8Array>, file: string): Promise<string> {
  const hash = createHash('sha256');
  const out = await fs.promises.open(file, 'wx', 0o600);
  try {
    for await (const chunk of body) {
      hash.update(chunk);
      await out.write(chunk);
    }
  } finally {
    await out.close();
  }
  return hash.digest('hex');
}

/** BuildKit's choice: Content-Disposition's filename, else the URL path's last segment, else `index`. */
function filenameOf(disposition: string | null, url: URL): string {
  const fromHeader = disposition === null ? undefined : /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
  const candidates = [fromHeader === undefined ? undefined : decodeURIComponent(fromHeader), decodeURIComponent(url.pathname.split('/').at(-1) ?? '')];
  for (const c of candidates) {
    const base = c === undefined ? '' : path.posix.basename(c);
    if (base !== '' && base !== '.' && base !== '..') return base;
  }
  return 'index';
}
