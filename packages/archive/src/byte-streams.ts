import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { DataLossError, UnsupportedError } from '@kiln/errors';
import { createDigester } from '@kiln/content';
import { digestAlgorithm, type Digest } from '@kiln/oci';

/** The compressions an archive or a layer inside one may carry. */
export type StreamCompression = 'gzip' | 'zstd' | 'none';

/** gzip (1f 8b) or zstd (28 b5 2f fd) by magic bytes; anything else is taken as uncompressed. */
export function sniffCompression(head: Uint8Array): StreamCompression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/**
 * Passes `source` through unchanged while hashing and counting it; when it
 * ends, checks the total against `expected` (bytes, digest). `what` names the
 * content in the error.
 *
 * @throws DataLossError (from the iteration, after the last chunk) when the size or digest differs.
 */
export async function* verified(source: AsyncIterable<Uint8Array>, expected: { readonly digest: Digest; readonly size?: number }, what: string): AsyncGenerator<Buffer> {
  const digester = createDigester(digestAlgorithm(expected.digest));
  let size = 0;
  for await (const chunk of source) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    digester.update(buffer);
    size += buffer.length;
    yield buffer;
  }
  if (expected.size !== undefined && size !== expected.size) {
    throw new DataLossError(`${what}: expected ${expected.size} bytes of ${expected.digest}, got ${size}`);
  }
  const actual = digester.digest();
  if (actual !== expected.digest) throw new DataLossError(`${what}: expected digest ${expected.digest}, got ${actual}`);
}

/**
 * The decompressed bytes of `source` (streaming, bounded memory). An error in
 * `source` or in decoding ends the iteration with that error; stopping early
 * releases the decoder.
 *
 * @throws UnsupportedError for zstd on a Node without node:zlib's zstd.
 */
export async function* decompressed(source: AsyncIterable<Uint8Array>, compression: StreamCompression): AsyncGenerator<Buffer> {
  if (compression === 'none') {
    for await (const chunk of source) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    return;
  }
  if (compression === 'zstd' && typeof zlib.createZstdDecompress !== 'function') {
    throw new UnsupportedError(`zstd-compressed data needs Node >= 22.15 (this is ${process.version})`);
  }
  const decoder = compression === 'gzip' ? zlib.createGunzip() : zlib.createZstdDecompress();
  const feeding = pipeline(Readable.from(source, { objectMode: false }), decoder);
  // Its failure also destroys the decoder, so the loop below sees it; this only keeps it from being unhandled.
  feeding.catch(() => undefined);
  try {
    for await (const chunk of decoder as AsyncIterable<Buffer>) yield chunk;
    await feeding;
  } finally {
    decoder.destroy();
  }
}

/**
 * `source` decompressed when its first bytes are gzip or zstd magic, as is
 * otherwise: how `docker load` accepts a compressed archive.
 */
export async function* autoDecompressed(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLength = 0;
  let ended = false;
  while (headLength < 4) {
    const next = await iterator.next();
    if (next.done === true) {
      ended = true;
      break;
    }
    head.push(Buffer.from(next.value.buffer, next.value.byteOffset, next.value.length));
    headLength += next.value.length;
  }
  const first = Buffer.concat(head);
  const rest = async function* (): AsyncGenerator<Buffer> {
    if (first.length > 0) yield first;
    if (ended) return;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      yield Buffer.from(next.value.buffer, next.value.byteOffset, next.value.length);
    }
  };
  yield* decompressed(rest(), sniffCompression(first));
}

/** The first bytes (up to `count`) of a stream; the stream is destroyed afterwards. */
export async function headBytes(stream: Readable, count: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parts.push(chunk);
      length += chunk.length;
      if (length >= count) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, count);
}
