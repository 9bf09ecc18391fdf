import { UnsupportedError } from '@kiln/errors';
import type { Transform } from 'node:stream';
import zlib from 'node:zlib';
import { through } from './stream-through.js';

/** The compressions kiln writes layers in. */
export type LayerCompressionKind = 'gzip' | 'zstd' | 'uncompressed';

/**
 * A compressing transform for `kind`, or `undefined` for `uncompressed`.
 * `level`: gzip 0–9 (default 6, as BuildKit), zstd 1–22 (default 3).
 * zstd uses node:zlib's, present from Node 22.15.
 *
 * @throws UnsupportedError for zstd on a Node without it.
 */
export function createCompressor(kind: LayerCompressionKind, level?: number): Transform | undefined {
  if (kind === 'uncompressed') return undefined;
  if (kind === 'gzip') return zlib.createGzip({ level: level ?? 6 });
  if (typeof zlib.createZstdCompress !== 'function') {
    throw new UnsupportedError(`zstd compression needs Node >= 22.15 (this is ${process.version})`);
  }
  return zlib.createZstdCompress({ params: { [zlib.constants.ZSTD_c_compressionLevel]: level ?? 3 } });
}

/** What the first bytes of a layer blob say it is. */
export type DetectedCompression = 'gzip' | 'zstd' | 'uncompressed';

/** Detects gzip (1f 8b) and zstd (28 b5 2f fd) magic; anything else is taken as a plain tar. */
export function detectCompression(head: Uint8Array): DetectedCompression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'uncompressed';
}

/**
 * The decompressed bytes of `source`, compression detected from its magic
 * bytes. Streaming; an error in `source` or in decoding ends the returned
 * iterable with that error. Whoever iterates the result consumes `source`.
 *
 * @throws UnsupportedError (when iterated) for bzip2/xz, which layers do not use.
 */
export async function* decompress(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
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
  if (first.subarray(0, 3).toString('latin1') === 'BZh' || first.subarray(0, 6).equals(Buffer.from('fd377a585a00', 'hex'))) {
    throw new UnsupportedError('layer blob is bzip2 or xz compressed; OCI layers are plain, gzip or zstd');
  }
  const rest = async function* (): AsyncGenerator<Buffer> {
    if (first.length > 0) yield first;
    if (ended) return;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      yield Buffer.from(next.value.buffer, next.value.byteOffset, next.value.length);
    }
  };
  const kind = detectCompression(first);
  if (kind === 'uncompressed') {
    yield* rest();
    return;
  }
  if (kind === 'zstd' && typeof zlib.createZstdDecompress !== 'function') {
    throw new UnsupportedError(`zstd layers need Node >= 22.15 (this is ${process.version})`);
  }
  const decoder = kind === 'gzip' ? zlib.createGunzip() : zlib.createZstdDecompress();
  yield* through(rest(), decoder);
}
