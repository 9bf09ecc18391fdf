import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DataLossError, InternalError, NotFoundError, ResourceExhaustedError } from '@kiln/errors';
import { digestAlgorithm, digestHex, parseDigest, type Digest, type DigestAlgorithm } from '@kiln/oci';
import { FileContentWriter, type CommittedContent, type ContentWriter } from './content-writer.js';
import type { ContentInfo, ContentStore, ExpectedContent } from './content-store.js';
import { createDigester, digestBytes } from './digester.js';
import { removeStaleIngests } from './stale-ingests.js';
import { ownIdentity } from './process-identity.js';

/** The largest blob {@link LocalContentStore.readBytes} returns unless told otherwise: 4 MiB, the registry limit for manifests. */
export const defaultReadBytesLimit = 4 << 20;

const algorithms: readonly DigestAlgorithm[] = ['sha256', 'sha512'];

/**
 * The content store of one kiln root: immutable blobs addressed by digest at
 * `<dir>/blobs/<algorithm>/<hex>`, written through {@link ContentWriter}s
 * that stage bytes under `<dir>/ingest/` and rename them into place. It is
 * containerd's Provider (read), Ingester (write) and Manager (info, walk,
 * delete) in one. Several processes may use one directory at once: the file
 * system's atomic rename is the only coordination blobs need.
 */
export class LocalContentStore implements ContentStore {
  /** The store's directory (`KILN_ROOT/content`). */
  readonly dir: string;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /**
   * Opens the store at `dir`, creating its folders, and removes ingest files
   * left by processes that are no longer running (a killed write).
   */
  static async open(dir: string): Promise<LocalContentStore> {
    const store = new LocalContentStore(path.resolve(dir));
    await fs.promises.mkdir(store.#ingestDir, { recursive: true });
    for (const algorithm of algorithms) await fs.promises.mkdir(path.join(store.dir, 'blobs', algorithm), { recursive: true });
    await removeStaleIngests(store.#ingestDir);
    return store;
  }

  get #ingestDir(): string {
    return path.join(this.dir, 'ingest');
  }

  /**
   * The file holding a committed blob, for readers that want zero copies
   * (hard links, `copy_file_range`, mounting). Treat it as read-only. It does
   * not check that the blob exists.
   */
  path(digest: Digest): string {
    return path.join(this.dir, 'blobs', digestAlgorithm(digest), digestHex(digest));
  }

  /**
   * A writer for one new blob. `ref` names the write in progress (for logs);
   * `expectedDigest` lets a sha512 blob be hashed while it is written instead
   * of re-read at commit. The caller must `commit` or `abort` it.
   */
  async writer(ref = 'unnamed', options: { readonly expectedDigest?: Digest } = {}): Promise<ContentWriter> {
    const safeRef = ref.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 64);
    const name = `${ownIdentity()}.${randomBytes(6).toString('hex')}-${safeRef}`;
    const file = path.join(this.#ingestDir, name);
    const handle = await fs.promises.open(file, 'wx', 0o644);
    return new FileContentWriter(ref, file, handle, { publish: (temp, digest) => this.#publish(temp, digest) }, options.expectedDigest);
  }

  /**
   * Streams `source` into a new blob and commits it, verifying `expected`.
   * When `expected.digest` is already stored, returns at once without reading
   * `source` (the caller still owns it and must close or drain it).
   *
   * @throws DataLossError when the bytes do not match `expected`; nothing is stored.
   */
  async ingest(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | NodeJS.ReadableStream, expected: ExpectedContent = {}, ref?: string): Promise<CommittedContent> {
    if (expected.digest !== undefined) {
      const existing = await this.info(expected.digest).catch(() => undefined);
      if (existing !== undefined) {
        if (expected.size !== undefined && expected.size !== existing.size) {
          throw new DataLossError(`${expected.digest}: expected ${expected.size} bytes, but the stored blob has ${existing.size}`);
        }
        return { digest: existing.digest, size: existing.size };
      }
    }
    const writer = await this.writer(ref ?? expected.digest ?? 'ingest', expected.digest ? { expectedDigest: expected.digest } : {});
    try {
      for await (const chunk of source as AsyncIterable<Uint8Array | string> | Iterable<Uint8Array>) {
        await writer.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      }
    } catch (error) {
      await writer.abort();
      throw error;
    }
    return writer.commit(expected.size, expected.digest);
  }

  /** Stores `bytes` (small content such as manifests and configs) and returns its sha256 descriptor fields. */
  async writeBytes(bytes: Uint8Array | string, expected: ExpectedContent = {}): Promise<CommittedContent> {
    const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
    const digest = expected.digest ?? digestBytes(data);
    return this.ingest([data], { ...expected, digest });
  }

  /** True when the blob is committed. */
  async has(digest: Digest): Promise<boolean> {
    try {
      await fs.promises.access(this.path(digest));
      return true;
    } catch {
      return false;
    }
  }

  /** @throws NotFoundError when the blob is not stored. */
  async info(digest: Digest): Promise<ContentInfo> {
    try {
      const stat = await fs.promises.stat(this.path(digest));
      return { digest, size: stat.size, committedAt: stat.mtimeMs };
    } catch (cause) {
      throw notFound(digest, cause);
    }
  }

  /**
   * A stream of the blob's bytes from `start` (a 0-based byte offset). The
   * caller consumes or destroys it.
   *
   * @throws NotFoundError when the blob is not stored.
   */
  async readStream(digest: Digest, options: { readonly start?: number } = {}): Promise<Readable> {
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(this.path(digest), 'r');
    } catch (cause) {
      throw notFound(digest, cause);
    }
    return handle.createReadStream({ start: options.start ?? 0, highWaterMark: 1 << 20, autoClose: true });
  }

  /**
   * The whole blob in memory, verified against its digest. Meant for small
   * JSON (manifests, configs, indexes).
   *
   * @param maxSize refuse larger blobs, in bytes ({@link defaultReadBytesLimit} by default).
   * @throws NotFoundError when absent, ResourceExhaustedError when larger than
   *   `maxSize`, DataLossError when the stored bytes no longer match the digest.
   */
  async readBytes(digest: Digest, options: { readonly maxSize?: number } = {}): Promise<Buffer> {
    const limit = options.maxSize ?? defaultReadBytesLimit;
    const { size } = await this.info(digest);
    if (size > limit) throw new ResourceExhaustedError(`${digest} is ${size} bytes, more than the ${limit} bytes allowed here`);
    const bytes = await fs.promises.readFile(this.path(digest));
    const digester = createDigester(digestAlgorithm(digest));
    digester.update(bytes);
    if (digester.digest() !== digest) throw new DataLossError(`stored blob ${digest} is corrupt: its bytes hash to ${digester.digest()}`);
    return bytes;
  }

  /** Removes a blob. @throws NotFoundError when it is not stored. */
  async delete(digest: Digest): Promise<void> {
    try {
      await fs.promises.unlink(this.path(digest));
    } catch (cause) {
      throw notFound(digest, cause);
    }
  }

  /** Every committed blob, in no particular order. Blobs committed or deleted during the walk may or may not appear. */
  async *walk(): AsyncIterable<ContentInfo> {
    for (const algorithm of algorithms) {
      const dir = path.join(this.dir, 'blobs', algorithm);
      for (const name of await fs.promises.readdir(dir)) {
        let digest: Digest;
        try {
          digest = parseDigest(`${algorithm}:${name}`);
        } catch {
          continue; // not ours: a stray file someone put there
        }
        const info = await this.info(digest).catch(() => undefined);
        if (info !== undefined) yield info;
      }
    }
  }

  async #publish(temp: string, digest: Digest): Promise<void> {
    const target = this.path(digest);
    if (await this.has(digest)) {
      await fs.promises.rm(temp, { force: true });
      return;
    }
    // Two writers of the same blob may both get here; rename replaces atomically with identical bytes, so either order is fine.
    await fs.promises.rename(temp, target);
    await syncDirectory(path.dirname(target));
  }
}

function notFound(digest: Digest, cause: unknown): Error {
  if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return new NotFoundError(`content ${digest} not found`, { cause });
  return new InternalError(`cannot read content ${digest}: ${(cause as Error).message}`, { cause });
}

/** Makes a rename durable: the directory entry is on disk once this returns. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
