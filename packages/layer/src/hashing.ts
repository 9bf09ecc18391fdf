import { createHash } from 'node:crypto';
import { sha256Digest, type Digest } from '@kiln/oci';

/** A running sha256 and byte count over a stream that passes through {@link HashTap.tap}. */
export class HashTap {
  readonly #hash = createHash('sha256');
  #size = 0;

  /** Passes `source` through unchanged, hashing and counting it. */
  async *tap(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
      this.#hash.update(buffer);
      this.#size += buffer.length;
      yield buffer;
    }
  }

  /** Bytes seen so far. */
  get size(): number {
    return this.#size;
  }

  /** The digest of everything seen; call once, after the stream ended. */
  digest(): Digest {
    return sha256Digest(this.#hash.digest('hex'));
  }
}
