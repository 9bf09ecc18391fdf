import type { DatabaseSync } from 'node:sqlite';
import { AlreadyExistsError, FailedPreconditionError, InvalidArgumentError, NotFoundError } from '@kiln/errors';
import type { SnapshotInfo, SnapshotKind, SnapshotLabels, SnapshotterDriver } from './snapshotter.js';

/** A snapshot row: {@link SnapshotInfo} plus the ids that name its directories. */
export interface SnapshotRecord extends SnapshotInfo {
  readonly id: number;
  /** Ids of the parent chain, nearest parent first. */
  readonly parentIds: readonly number[];
  readonly size: number | undefined;
  readonly inodes: number | undefined;
}

interface Row {
  id: number;
  name: string;
  kind: SnapshotKind;
  parent_id: number | null;
  parent_name: string | null;
  labels: string;
  created: number;
  updated: number;
  size: number | null;
  inodes: number | null;
}

const schema = `
CREATE TABLE IF NOT EXISTS snapshot_nodes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  driver TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('active', 'view', 'committed')),
  parent_id INTEGER REFERENCES snapshot_nodes(id),
  labels TEXT NOT NULL DEFAULT '{}',
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  size INTEGER,
  inodes INTEGER,
  UNIQUE (driver, name)
);
CREATE INDEX IF NOT EXISTS snapshot_nodes_parent ON snapshot_nodes (parent_id);
`;

const select = `SELECT n.id, n.name, n.kind, n.parent_id, p.name AS parent_name, n.labels, n.created, n.updated, n.size, n.inodes
  FROM snapshot_nodes n LEFT JOIN snapshot_nodes p ON p.id = n.parent_id`;

/**
 * Snapshot metadata in the shared SQLite database, in tables prefixed
 * `snapshot_`. Rows of different drivers live side by side (ids are global,
 * so their directories never clash). Methods are synchronous; writes take the
 * write lock at once (`BEGIN IMMEDIATE`) so that check-then-write sequences of
 * concurrent processes cannot interleave.
 */
export class SnapshotMetadata {
  readonly #db: DatabaseSync;
  readonly #driver: SnapshotterDriver;

  constructor(db: DatabaseSync, driver: SnapshotterDriver) {
    this.#db = db;
    this.#driver = driver;
    db.exec(schema);
  }

  /** Runs `body` in a write transaction (joins an open one); commits on return, rolls back on throw. */
  transaction<T>(body: () => T): T {
    if (this.#db.isTransaction) return body();
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = body();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  /** The record of `name` (key or name), or throws NotFoundError. */
  get(name: string): SnapshotRecord {
    const row = this.#db.prepare(`${select} WHERE n.driver = ? AND n.name = ?`).get(this.#driver, name) as Row | undefined;
    if (row === undefined) throw new NotFoundError(`snapshot ${JSON.stringify(name)} does not exist`);
    return this.#record(row);
  }

  /** Every snapshot's info, in id (creation) order (without parent chains, so one query). */
  all(): SnapshotInfo[] {
    return (this.#db.prepare(`${select} WHERE n.driver = ? ORDER BY n.id`).all(this.#driver) as unknown as Row[]).map((r) => toInfo(r));
  }

  /** Ids of every snapshot of every driver (directories of other drivers share the root). */
  allIds(): Set<number> {
    return new Set((this.#db.prepare('SELECT id FROM snapshot_nodes').all() as Array<{ id: number }>).map((r) => r.id));
  }

  /** The committed parent `name` with its chain, or NotFound / InvalidArgument (not committed). */
  committedParent(name: string): SnapshotRecord {
    let parent: SnapshotRecord;
    try {
      parent = this.get(name);
    } catch (error) {
      throw new NotFoundError(`parent snapshot ${JSON.stringify(name)} does not exist`, { cause: error });
    }
    if (parent.kind !== 'committed') throw new InvalidArgumentError(`parent ${JSON.stringify(name)} is ${parent.kind}; a parent must be a committed snapshot`);
    return parent;
  }

  /** Inserts a new active snapshot or view and returns its id. Throws InvalidArgument, AlreadyExists. */
  create(key: string, kind: 'active' | 'view', parentId: number | undefined, labels: SnapshotLabels): number {
    if (key === '') throw new InvalidArgumentError('snapshot key is empty; expected a non-empty string');
    this.assertFree(key);
    const now = Date.now();
    const result = this.#db
      .prepare('INSERT INTO snapshot_nodes (driver, name, kind, parent_id, labels, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(this.#driver, key, kind, parentId ?? null, JSON.stringify(labels), now, now);
    return Number(result.lastInsertRowid);
  }

  /** Renames active `key` to committed `name`, recording its usage. Throws NotFound, AlreadyExists, FailedPrecondition. */
  commit(name: string, key: string, usage: { size: number; inodes: number } | undefined, labels: SnapshotLabels | undefined): void {
    if (name === '') throw new InvalidArgumentError('snapshot name is empty; expected a non-empty string');
    const record = this.get(key);
    if (record.kind !== 'active') throw new FailedPreconditionError(`snapshot ${JSON.stringify(key)} is ${record.kind}; only an active snapshot can be committed`);
    this.assertFree(name);
    this.#db
      .prepare('UPDATE snapshot_nodes SET name = ?, kind = ?, labels = ?, updated = ?, size = ?, inodes = ? WHERE id = ?')
      .run(name, 'committed', JSON.stringify(labels ?? record.labels), Date.now(), usage?.size ?? null, usage?.inodes ?? null, record.id);
  }

  /** Records the usage of committed snapshot `id`, measured after its commit. */
  setUsage(id: number, usage: { size: number; inodes: number }): void {
    this.#db.prepare("UPDATE snapshot_nodes SET size = ?, inodes = ? WHERE id = ? AND kind = 'committed'").run(usage.size, usage.inodes, id);
  }

  /** Deletes the row of `name`; throws NotFound, FailedPrecondition when children exist. Returns the deleted record. */
  remove(name: string): SnapshotRecord {
    const record = this.get(name);
    const children = this.#db.prepare('SELECT name FROM snapshot_nodes WHERE parent_id = ? ORDER BY id').all(record.id) as Array<{ name: string }>;
    if (children.length > 0) {
      throw new FailedPreconditionError(`snapshot ${JSON.stringify(name)} has ${children.length} child snapshot(s) (${children.map((c) => JSON.stringify(c.name)).join(', ')}); remove them first`);
    }
    this.#db.prepare('DELETE FROM snapshot_nodes WHERE id = ?').run(record.id);
    return record;
  }

  /** Throws AlreadyExistsError when a snapshot is called `name` already. */
  assertFree(name: string): void {
    const row = this.#db.prepare('SELECT kind FROM snapshot_nodes WHERE driver = ? AND name = ?').get(this.#driver, name) as { kind: string } | undefined;
    if (row !== undefined) throw new AlreadyExistsError(`snapshot ${JSON.stringify(name)} exists already (${row.kind})`);
  }

  #record(row: Row): SnapshotRecord {
    const parentIds: number[] = [];
    const parentOf = this.#db.prepare('SELECT parent_id FROM snapshot_nodes WHERE id = ?');
    for (let p = row.parent_id; p !== null; ) {
      parentIds.push(p);
      p = (parentOf.get(p) as { parent_id: number | null } | undefined)?.parent_id ?? null;
    }
    return { ...toInfo(row), id: row.id, parentIds, size: row.size ?? undefined, inodes: row.inodes ?? undefined };
  }
}

function toInfo(row: Row): SnapshotInfo {
  return {
    kind: row.kind,
    name: row.name,
    parent: row.parent_name ?? undefined,
    labels: JSON.parse(row.labels) as SnapshotLabels,
    created: new Date(row.created),
    updated: new Date(row.updated),
  };
}
