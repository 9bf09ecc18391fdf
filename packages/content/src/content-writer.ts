import fs from 'node:fs';
import { DataLossError, FailedPreconditionError, InvalidArgumentError } from '@kiln/errors';
import { digestAlgorithm, type Digest } from '@kiln/oci';
import { createDigester, type Digester } from './digester.js';

/** What a commit produced: the digest and size in bytes of the stored blob. */
export interface CommittedContent {
  readonly digest: Digest;
  readonly size: number;
}

/**
 * Writes one blob. Bytes go to a private temporary file under
 * `content/ingest/` and are hashed as they are written; nothing is visible in
 * the store until {@link ContentWriter.commit} succeeds. Exactly one of
 * `commit` or `abort` must be called; both close the writer, and later calls
 * throw FailedPreconditionError.
 */
export interface ContentWriter {
  /** The ref given to `writer()`, for progress and logs. */
  readonly ref: string;
  /** Appends `chunk`. Resolves when the bytes have been handed to the file. Do not call concurrently. */
  write(chunk: Uint8Array): Promise<void>;
  /** Bytes written so far. */
  readonly offset: number;
  /** sha256 of the bytes written so far. */
  digest(): Digest;
  /**
   * Verifies and publishes the blob: checks `expectedSize` (bytes) and
   * `expectedDigest` (sha256 or sha512) when given, fsyncs, and renames the file
   * to `blobs/<algorithm>/<hex>`. When another writer stored the same blob
   * first, this one's file is dropped and the commit still succeeds.
   *
   * @returns the blob's digest (in `expectedDigest`'s algorithm when given, else sha256) and size.
   * @throws DataLossError when the size or digest differs; the temporary file is removed and nothing is stored.
   */
  commit(expectedSize?: number, expectedDigest?: Digest): Promise<CommittedContent>;
  /** Drops everything written; nothing is stored. Safe to call after a failed commit. */
  abort(): Promise<void>;
}

/** Where a writer publishes: supplied by the store. */
export interface WriterTarget {
  /** Renames `tempPath` to the blob path of `digest` unless that blob exists; removes `tempPath` either way. */
  publish(tempPath: string, digest: Digest): Promise<void>;
}

/** Writes land in batches of at least this many bytes, to keep the number of write calls low for small stream chunks. */
const batchBytes = 1 << 20;

/** The store's writer; see {@link ContentWriter}. */
export class FileContentWriter implements ContentWriter {
  readonly ref: string;
  readonly #path: string;
  readonly #file: fs.promises.FileHandle;
  readonly #target: WriterTarget;
  readonly #sha256: Digester;
  readonly #extra: Digester | undefined;
  #offset = 0;
  /**
   * Small chunks are copied here (so callers may reuse their buffers) and
   * written 1 MiB at a time. Two buffers alternate: one is written by the
   * thread pool while the next one fills and is hashed, so hashing and disk
   * writes overlap.
   */
  #batch = Buffer.allocUnsafe(batchBytes);
  #spare = Buffer.allocUnsafe(batchBytes);
  #pendingBytes = 0;
  #inflight: Promise<void> = Promise.resolve();
  #writeError: unknown = undefined;
  #closed = false;

  constructor(ref: string, path: string, file: fs.promises.FileHandle, target: WriterTarget, expectedDigest?: Digest) {
    this.ref = ref;
    this.#path = path;
    this.#file = file;
    this.#target = target;
    this.#sha256 = createDigester('sha256');
    const algorithm = expectedDigest === undefined ? 'sha256' : digestAlgorithm(expectedDigest);
    this.#extra = algorithm === 'sha256' ? undefined : createDigester(algorithm);
  }

  get offset(): number {
    return this.#offset;
  }

  digest(): Digest {
    return this.#sha256.digest();
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.#open();
    if (chunk.byteLength === 0) return;
    this.#sha256.update(chunk);
    this.#extra?.update(chunk);
    this.#offset += chunk.byteLength;
    if (this.#pendingBytes + chunk.byteLength > batchBytes) await this.#flush();
    if (chunk.byteLength >= batchBytes) {
      await this.#settle();
      await this.#writeAll(chunk);
      return;
    }
    this.#batch.set(chunk, this.#pendingBytes);
    this.#pendingBytes += chunk.byteLength;
  }

  async commit(expectedSize?: number, expectedDigest?: Digest): Promise<CommittedContent> {
    this.#open();
    if (expectedSize !== undefined && (!Number.isSafeInteger(expectedSize) || expectedSize < 0)) {
      await this.abort();
      throw new InvalidArgumentError(`expected size must be a non-negative integer, got ${expectedSize}`);
    }
    try {
      await this.#flush();
      await this.#settle();
      if (expectedSize !== undefined && expectedSize !== this.#offset) {
        throw new DataLossError(`${this.ref}: expected ${expectedSize} bytes, got ${this.#offset}; nothing was stored`);
      }
      const digest = await this.#actualDigest(expectedDigest);
      if (expectedDigest !== undefined && digest !== expectedDigest) {
        throw new DataLossError(`${this.ref}: content does not match its digest: expected ${expectedDigest}, got ${digest}; nothing was stored`);
      }
      await this.#file.sync();
      await this.#file.close();
      this.#closed = true;
      await this.#target.publish(this.#path, digest);
      return { digest, size: this.#offset };
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  async abort(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      await this.#inflight;
      await this.#file.close().catch(() => undefined);
    }
    await fs.promises.rm(this.#path, { force: true });
  }

  /** Starts writing the filled buffer (after the previous write finished) and swaps buffers; does not wait for the new write. */
  async #flush(): Promise<void> {
    if (this.#pendingBytes === 0) return;
    await this.#settle();
    const filled = this.#batch.subarray(0, this.#pendingBytes);
    [this.#batch, this.#spare] = [this.#spare, this.#batch];
    this.#pendingBytes = 0;
    // The rejection is kept and rethrown by #settle, so it is never unhandled.
    this.#inflight = this.#writeAll(filled).catch((error: unknown) => {
      this.#writeError ??= error;
    });
  }

  /** Waits for the write in flight and throws its error, if any. */
  async #settle(): Promise<void> {
    await this.#inflight;
    if (this.#writeError !== undefined) throw this.#writeError;
  }

  async #writeAll(bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.byteLength) {
      const { bytesWritten } = await this.#file.write(bytes, done, bytes.byteLength - done);
      done += bytesWritten;
    }
  }

  /** The digest in the expected algorithm; a sha512 nobody announced is computed by re-reading the file. */
  async #actualDigest(expected: Digest | undefined): Promise<Digest> {
    if (expected === undefined) return this.#sha256.digest();
    const algorithm = digestAlgorithm(expected);
    if (algorithm === 'sha256') return this.#sha256.digest();
    if (this.#extra?.algorithm === algorithm) return this.#extra.digest();
    const digester = createDigester(algorithm);
    for await (const chunk of fs.createReadStream(this.#path, { highWaterMark: batchBytes })) digester.update(chunk as Buffer);
    return digester.digest();
  }

  #open(): void {
    if (this.#closed) throw new FailedPreconditionError(`content writer ${JSON.stringify(this.ref)} is already committed or aborted`);
  }
}
