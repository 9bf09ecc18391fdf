import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { writeTransaction } from '@kiln/content';
import xxhash, { type XXHashAPI } from 'xxhash-wasm';
import type { CacheState } from '../state.js';
import { statement } from './statements.js';

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
  const row = pending.get(state.db)?.get(ino) ?? (statement(state.db, 'SELECT size, mtime_ns, ctime_ns, xxh64, sha256 FROM cache_fingerprints WHERE ino = ?').get(ino) as FingerprintRow | undefined);
  const size = Number(stamp.size);
  if (row !== undefined && row.size === size && row.mtime_ns === String(stamp.mtimeNs) && row.ctime_ns === String(stamp.ctimeNs)) {
    state.stats.fingerprintHits++;
    return row.sha256;
  }
  let sha256: string;
  let xxh64: string;
  if (row !== undefined && row.size === size) {
    xxh64 = (await hashFile(state, file, size, false)).xxh64;
    if (xxh64 === row.xxh64) {
      state.stats.xxhashConfirmed++;
      sha256 = row.sha256;
    } else sha256 = (await hashFile(state, file, size, true)).sha256!;
  } else ({ xxh64, sha256 } = (await hashFile(state, file, size, true)) as { xxh64: string; sha256: string });
  remember(state.db, ino, { size, mtime_ns: String(stamp.mtimeNs), ctime_ns: String(stamp.ctimeNs), xxh64, sha256 });
  return sha256;
}

const pending = new WeakMap<DatabaseSync, Map<string, FingerprintRow>>();

/** Rows written per transaction at most; bounds the memory a huge tree's batch holds. */
const batchRows = 4096;

/**
 * Queues a fingerprint row and writes the queue in one transaction once the
 * current run of synchronous work yields (or the batch is full). One commit
 * per file would append a WAL page per file: on a 20,000-file context that
 * is 80 MB of database writes for 2 MB of rows. The table is only a cache,
 * so rows lost to a crash (or to a database closed before the write) cost a
 * re-read next time, nothing more.
 */
function remember(db: DatabaseSync, ino: string, row: FingerprintRow): void {
  let rows = pending.get(db);
  if (rows === undefined) {
    pending.set(db, (rows = new Map()));
    setImmediate(() => flush(db));
  }
  rows.set(ino, row);
  if (rows.size >= batchRows) flush(db);
}

function flush(db: DatabaseSync): void {
  const rows = pending.get(db);
  pending.delete(db);
  if (rows === undefined || rows.size === 0 || !db.isOpen) return;
  const used = Date.now();
  try {
    writeTransaction(db, () => {
      const insert = statement(
        db,
        `INSERT INTO cache_fingerprints (ino, size, mtime_ns, ctime_ns, xxh64, sha256, used) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (ino) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, ctime_ns = excluded.ctime_ns,
           xxh64 = excluded.xxh64, sha256 = excluded.sha256, used = excluded.used`,
      );
      for (const [ino, r] of rows) insert.run(ino, r.size, r.mtime_ns, r.ctime_ns, r.xxh64, r.sha256, used);
    });
  } catch {
    // Busy past the timeout or closed: the fingerprints are a cache, the next build hashes again.
  }
}

/** Files below this size are read synchronously: a thread-pool round trip per read costs more than the read. */
const syncReadBytes = 1 << 20;

async function hashFile(state: CacheState, file: string, size: number, withSha256: boolean): Promise<{ xxh64: string; sha256: string | undefined }> {
  const { create64 } = await (api ??= xxhash());
  const xxh = create64();
  const sha = withSha256 ? createHash('sha256') : undefined;
  const update = (view: Uint8Array): void => {
    xxh.update(view);
    sha?.update(view);
    state.stats.bytesRead += view.byteLength;
  };
  if (size < syncReadBytes) hashSmallFile(file, update);
  else await hashLargeFile(file, update);
  state.stats.filesRead++;
  return { xxh64: xxh.digest().toString(16).padStart(16, '0'), sha256: sha?.digest('hex') };
}

function hashSmallFile(file: string, update: (view: Uint8Array) => void): void {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    const own = (buffer ??= Buffer.allocUnsafe(chunkBytes));
    // Read to EOF, not to the stamped size: a file that grew since its lstat is hashed as it is now.
    for (let n; (n = fs.readSync(fd, own, 0, chunkBytes, null)) > 0; ) update(own.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
}

async function hashLargeFile(file: string, update: (view: Uint8Array) => void): Promise<void> {
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
        update(own.subarray(0, bytesRead));
      } finally {
        buffer = own;
      }
    }
  } finally {
    await handle.close();
  }
}
