import { pipeline } from 'node:stream/promises';
import { writeFileAtomic } from '@kiln/archive';
import { InvalidArgumentError } from '@kiln/errors';

/** Where a file-like output goes: `-` means the given standard output. */
export interface ByteSinkDeps {
  /** Standard output for `dest=-`; never ended here. */
  readonly stdout?: NodeJS.WritableStream;
}

/**
 * Streams `bytes` to `dest`: a file, replaced atomically (a failed write
 * leaves the old file, or none), or standard output for `-`.
 *
 * @throws InvalidArgumentError for `-` when no standard output was given;
 *   whatever the source or the file system throws.
 */
export async function writeBytesTo(dest: string, bytes: AsyncIterable<Uint8Array>, deps: ByteSinkDeps, what: string): Promise<void> {
  if (dest !== '-') return writeFileAtomic(dest, bytes);
  if (deps.stdout === undefined) throw new InvalidArgumentError(`${what}: dest=- needs standard output, and none was given`);
  await pipeline(bytes, deps.stdout, { end: false });
}
