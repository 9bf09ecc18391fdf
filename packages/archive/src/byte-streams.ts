import type { Readable } from 'node:stream';
import { DataLossError } from '@kiln/errors';
import { createDigester } from '@kiln/content';
import { digestAlgorithm, type Digest } from '@kiln/oci';

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
