import { createHash } from 'node:crypto';
import fs from 'node:fs';
import xxhash, { type XXHashAPI } from 'xxhash-wasm';
import type { CacheState } from '../state.js';

/** Read size for hashing file bodies, in bytes. */
const chunkBytes = 1 << 20;

let api: Promise<XXHashAPI> | undefined;
let buffer: Buffer | undefined;

/** The fields of an lstat (with `bigint: true`) that say whether a file may have changed. */
export interface FileStamp {
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

interface FingerprintRow {
  size: number;
  mtime_ns: string;
  ctime_ns: string;
  xxh64: string;
  sha256: string;
}

/**
 * The sha256 (hex) of the regular file at `file` whose lstat is `stamp`,
 * from the fingerprint table when the inode's size, mtime and ctime (in
 * nanoseconds) are what they were when it was last hashed: then the file is
 * not read. Otherwise the file is read: when the table knew the inode, the
 * streaming xxh64 (about four times faster than sha256) decides whether the
 * bytes changed, and only changed bytes are hashed with sha256 (a second
 * read); a file never seen is hashed with both in one read.
 *
 * The key is the inode without the device, because overlay mounts of the
 * same snapshot get a new device number each time while keeping the
 * underlying inode; inode, size, mtime and ctime all colliding on two
 * filesystems is not a practical risk, and ctime cannot be set by users.
 */
export async function fileSha256(state: CacheState, file: string, stamp: FileStamp): Promise<string> {
  const ino = String(stamp.ino);
  const row = state.db.prepare('SELECT size, mtime_ns, ctime_ns, xxh64, sha256 FROM cache_fingerprints WHERE ino = ?').get(ino) as FingerprintRow | undefined;
  const size = Number(stamp.size);
  if (row !== undefined && row.size === size && row.mtime_ns === String(stamp.mtimeNs) && row.ctime_ns === String(stamp.ctimeNs)) {
    state.stats.fingerprintHits++;
    return row.sha256;
  }
  let sha256: string;
  let xxh64: string;
  if (row !== undefined && row.size === size) {
    xxh64 = await hashFile(state, file, false).then((h) => h.xxh64);
    if (xxh64 === row.xxh64) {
      state.stats.xxhashConfirmed++;
      sha256 = row.sha256;
    } else sha256 = (await hashFile(state, file, true)).sha256!;
  } else ({ xxh64, sha256 } = (await hashFile(state, file, true)) as { xxh64: string; sha256: string });
  state.db
    .prepare(
      `INSERT INTO cache_fingerprints (ino, size, mtime_ns, ctime_ns, xxh64, sha256, used) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (ino) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, ctime_ns = excluded.ctime_ns,
         xxh64 = excluded.xxh64, sha256 = excluded.sha256, used = excluded.used`,
    )
    .run(ino, size, String(stamp.mtimeNs), String(stamp.ctimeNs), xxh64, sha256, Date.now());
  return sha256;
}

async function hashFile(state: CacheState, file: string, withSha256: boolean): Promise<{ xxh64: string; sha256: string | undefined }> {
  const { create64 } = await (api ??= xxhash());
  const xxh = create64();
  const sha = withSha256 ? createHash('sha256') : undefined;
  // One shared buffer: reads of one file are sequential and the hashers copy what they consume.
  const handle = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    for (;;) {
      buffer ??= Buffer.allocUnsafe(chunkBytes);
      const own = buffer;
      buffer = undefined;
      try {
        const { bytesRead } = await handle.read(own, 0, chunkBytes, null);
        if (bytesRead === 0) break;
        const view = own.subarray(0, bytesRead);
        xxh.update(view);
        sha?.update(view);
        state.stats.bytesRead += bytesRead;
      } finally {
        buffer = own;
      }
    }
  } finally {
    await handle.close();
  }
  state.stats.filesRead++;
  return { xxh64: xxh.digest().toString(16).padStart(16, '0'), sha256: sha?.digest('hex') };
}
