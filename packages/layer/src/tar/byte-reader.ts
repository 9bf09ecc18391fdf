import { DataLossError } from '@kiln/errors';

/**
 * Pulls exact byte counts out of an async stream of chunks, without copying
 * more than it must. One reader per stream; not safe for concurrent calls.
 */
export class ByteReader {
  readonly #source: AsyncIterator<Uint8Array>;
  #chunk: Buffer = Buffer.alloc(0);
  #done = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#source = source[Symbol.asyncIterator]();
  }

  /**
   * Exactly `n` bytes, or `undefined` when the stream ended before the first
   * of them. The result may share memory with the stream's chunks.
   *
   * @throws DataLossError when the stream ends part way through.
   */
  async readExact(n: number): Promise<Buffer | undefined> {
    if (this.#chunk.length >= n) return this.#take(n);
    const parts: Buffer[] = [];
    let have = 0;
    while (have < n) {
      if (this.#chunk.length === 0 && !(await this.#fill())) {
        if (have === 0) return undefined;
        throw new DataLossError(`tar stream truncated: expected ${n} more bytes, got ${have}`);
      }
      const part = this.#take(Math.min(n - have, this.#chunk.length));
      parts.push(part);
      have += part.length;
    }
    return Buffer.concat(parts, n);
  }

  /**
   * Yields the next `n` bytes as they arrive, in chunks of the source's size
   * or smaller.
   *
   * @throws DataLossError when the stream ends first.
   */
  async *chunks(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.#chunk.length === 0 && !(await this.#fill())) {
        throw new DataLossError(`tar stream truncated: expected ${left} more bytes of entry data`);
      }
      const part = this.#take(Math.min(left, this.#chunk.length));
      left -= part.length;
      yield part;
    }
  }

  /** Skips `n` bytes. @throws DataLossError when the stream ends first. */
  async skip(n: number): Promise<void> {
    for await (const _ of this.chunks(n));
  }

  /** Reads to the end of the stream and returns how many bytes were left. */
  async drain(): Promise<number> {
    let count = this.#chunk.length;
    this.#chunk = Buffer.alloc(0);
    while (await this.#fill()) {
      count += this.#chunk.length;
      this.#chunk = Buffer.alloc(0);
    }
    return count;
  }

  async #fill(): Promise<boolean> {
    while (!this.#done) {
      const next = await this.#source.next();
      if (next.done === true) {
        this.#done = true;
        break;
      }
      if (next.value.length > 0) {
        const v = next.value;
        this.#chunk = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.length);
        return true;
      }
    }
    return false;
  }

  #take(n: number): Buffer {
    const part = this.#chunk.subarray(0, n);
    this.#chunk = this.#chunk.subarray(n);
    return part;
  }
}
