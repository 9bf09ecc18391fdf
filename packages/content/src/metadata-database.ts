import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/**
 * Opens (creating when absent) kiln's one metadata database, the SQLite file
 * shared by every package of a root (content keeps its tables under the
 * `content_` prefix; others use their own prefix). It is set to WAL (readers
 * never block the writer, and several processes can share the file), a busy
 * timeout so concurrent writers wait instead of failing, foreign keys on, and
 * `synchronous=NORMAL` (safe with WAL: a crash loses at most the last
 * transactions, never consistency). The caller closes it.
 *
 * @param busyTimeoutMs how long a write waits for another process's lock, in milliseconds.
 */
export function openMetadataDatabase(file: string, options: { readonly busyTimeoutMs?: number } = {}): DatabaseSync {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const timeout = options.busyTimeoutMs ?? 10_000;
  const db = new DatabaseSync(file, { enableForeignKeyConstraints: true, timeout });
  // Switching to WAL needs an exclusive lock, and SQLite may answer "locked" at once instead of
  // waiting when another process opens the file at the same moment: retry until the timeout.
  const deadline = Date.now() + timeout;
  for (let pause = 5; ; pause = Math.min(pause * 2, 200)) {
    try {
      const mode = db.prepare('PRAGMA journal_mode').get() as { journal_mode?: string } | undefined;
      if (mode?.journal_mode !== 'wal') db.exec('PRAGMA journal_mode = WAL');
      break;
    } catch (error) {
      if (!/locked|busy/i.test((error as Error).message) || Date.now() > deadline) {
        db.close();
        throw error;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
    }
  }
  db.exec('PRAGMA synchronous = NORMAL;');
  return db;
}

/**
 * Runs `body` in an IMMEDIATE transaction (taking the write lock at once, so
 * a read-then-write cannot be overtaken by another process), committing when
 * it returns and rolling back when it throws. Nested calls join the outer
 * transaction.
 */
export function writeTransaction<T>(db: DatabaseSync, body: () => T): T {
  if (db.isTransaction) return body();
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = body();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
