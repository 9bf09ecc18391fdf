import { DataLossError } from '@kiln/errors';
import { encodeTarHeader } from './encode-header.js';
import { BLOCK_SIZE, paddingFor, type TarHeader } from './tar-header.js';

/** One entry to encode: its header and, for regular files, exactly `header.size` bytes of body. */
export interface TarInput {
  readonly header: TarHeader;
  readonly body?: AsyncIterable<Uint8Array> | Uint8Array;
}

/**
 * The pieces of a tar stream, for writers that produce bytes their own way
 * (the exporter appends blobs it streams from content). Stateless.
 */
export interface TarEncoder {
  /** PAX (when needed) and ustar header blocks of one entry; see `encodeTarHeader`. */
  header(header: TarHeader): Buffer;
  /** Zero padding that must follow a body of `size` bytes (0–511 bytes). */
  padding(size: number): Buffer;
  /** The end-of-archive marker: two zero blocks. */
  end(): Buffer;
}

/** Makes a {@link TarEncoder}. */
export function createTarEncoder(): TarEncoder {
  return {
    header: encodeTarHeader,
    padding: (size) => Buffer.alloc(paddingFor(size)),
    end: () => Buffer.alloc(2 * BLOCK_SIZE),
  };
}

/**
 * Encodes entries into a tar stream, pulling each body only as the consumer
 * pulls bytes (so backpressure reaches the file reads). Small pieces are
 * batched into chunks of about `batchSize` bytes.
 *
 * @throws DataLossError when a body yields more or fewer bytes than its
 *   header's size (a file that changed while it was read).
 */
export async function* encodeTar(entries: AsyncIterable<TarInput> | Iterable<TarInput>, batchSize = 256 * 1024): AsyncGenerator<Buffer> {
  const encoder = createTarEncoder();
  let batch: Buffer[] = [];
  let batched = 0;
  const push = (piece: Buffer): Buffer | undefined => {
    batch.push(piece);
    batched += piece.length;
    if (batched < batchSize) return undefined;
    const out = Buffer.concat(batch, batched);
    batch = [];
    batched = 0;
    return out;
  };
  const flush = (): Buffer | undefined => {
    if (batched === 0) return undefined;
    const out = Buffer.concat(batch, batched);
    batch = [];
    batched = 0;
    return out;
  };
  for await (const { header, body } of entries) {
    let out = push(encoder.header(header));
    if (out) yield out;
    let written = 0;
    if (body !== undefined) {
      const pieces = body instanceof Uint8Array ? [body] : body;
      for await (const piece of pieces) {
        const chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.length);
        written += chunk.length;
        if (written > header.size) break;
        // Big chunks go straight through; copying them into a batch gains nothing.
        if (chunk.length >= batchSize) {
          const pending = flush();
          if (pending) yield pending;
          yield chunk;
        } else if ((out = push(chunk))) yield out;
      }
    }
    if (written !== header.size) {
      throw new DataLossError(`tar entry ${JSON.stringify(header.name)}: header says ${header.size} bytes but the body gave ${written > header.size ? 'more' : written}`);
    }
    if ((out = push(encoder.padding(header.size)))) yield out;
  }
  push(encoder.end());
  const rest = flush();
  if (rest) yield rest;
}
