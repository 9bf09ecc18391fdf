import type { DatabaseSync } from 'node:sqlite';

/*
 * The content package's tables in the shared metadata database. All names
 * start with `content_` so other packages' tables cannot collide. Times are
 * milliseconds since the epoch.
 */
const schema = `
CREATE TABLE IF NOT EXISTS content_images (
  name TEXT PRIMARY KEY,
  media_type TEXT NOT NULL,
  digest TEXT NOT NULL,
  size INTEGER NOT NULL,
  descriptor TEXT NOT NULL,
  labels TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS content_images_digest ON content_images (digest);
CREATE TABLE IF NOT EXISTS content_leases (
  id TEXT PRIMARY KEY,
  labels TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER
);
CREATE TABLE IF NOT EXISTS content_lease_resources (
  lease_id TEXT NOT NULL REFERENCES content_leases (id) ON DELETE CASCADE,
  digest TEXT NOT NULL,
  media_type TEXT,
  PRIMARY KEY (lease_id, digest)
);
CREATE TABLE IF NOT EXISTS content_gc_roots (
  owner TEXT NOT NULL,
  digest TEXT NOT NULL,
  media_type TEXT,
  PRIMARY KEY (owner, digest)
);
`;

const prepared = new WeakSet<DatabaseSync>();

/** Creates the content tables when missing; cheap to call again. */
export function ensureContentSchema(db: DatabaseSync): void {
  if (prepared.has(db)) return;
  db.exec(schema);
  prepared.add(db);
}
