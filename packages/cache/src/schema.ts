import type { DatabaseSync } from 'node:sqlite';

/*
 * The cache's tables in the root's one metadata database, all prefixed
 * `cache_`. Snapshot names are the snapshotter's committed names (or active
 * keys for holds on mutable refs).
 */
const schema = `
CREATE TABLE IF NOT EXISTS cache_holds (
  id TEXT PRIMARY KEY,
  snapshot TEXT NOT NULL,
  owner TEXT NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS cache_holds_snapshot ON cache_holds (snapshot);
CREATE TABLE IF NOT EXISTS cache_snapshots (
  name TEXT PRIMARY KEY,
  description TEXT,
  created INTEGER NOT NULL,
  last_used INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cache_layers (
  snapshot TEXT NOT NULL,
  variant TEXT NOT NULL,
  descriptor TEXT NOT NULL,
  diff_id TEXT NOT NULL,
  PRIMARY KEY (snapshot, variant)
);
CREATE TABLE IF NOT EXISTS cache_records (
  key TEXT PRIMARY KEY,
  results TEXT NOT NULL,
  created INTEGER NOT NULL,
  last_used INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cache_parts (
  stable_id TEXT PRIMARY KEY,
  parts TEXT NOT NULL,
  updated INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cache_fingerprints (
  ino TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ns TEXT NOT NULL,
  ctime_ns TEXT NOT NULL,
  xxh64 TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  used INTEGER NOT NULL,
  PRIMARY KEY (ino)
);
CREATE TABLE IF NOT EXISTS cache_tree_indexes (
  snapshot TEXT PRIMARY KEY,
  created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cache_tree_entries (
  snapshot TEXT NOT NULL,
  path TEXT NOT NULL,
  kind TEXT NOT NULL,
  target TEXT,
  digest TEXT NOT NULL,
  PRIMARY KEY (snapshot, path)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cache_mount_holds (
  id TEXT PRIMARY KEY,
  dir TEXT NOT NULL,
  sharing TEXT NOT NULL,
  owner TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cache_mount_holds_dir ON cache_mount_holds (dir);
`;

const done = new WeakSet<DatabaseSync>();

/** Creates the cache tables when absent (idempotent, once per connection). */
export function ensureCacheSchema(db: DatabaseSync): void {
  if (done.has(db)) return;
  db.exec(schema);
  done.add(db);
}
