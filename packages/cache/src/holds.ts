import { randomBytes } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { writeTransaction } from '@kiln/content';
import { identityAlive, ownIdentity } from '@kiln/content';

/**
 * Holds on snapshots in the database: every live ref has one, carrying the
 * holding process's identity. A hold of a dead process counts for nothing,
 * so a crash pins nothing forever; prune deletes such holds.
 */
export class Holds {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Adds a hold on `snapshot` (a committed name or an active/view key); returns its id. */
  add(snapshot: string): string {
    const id = `hold-${randomBytes(8).toString('hex')}`;
    this.#db.prepare('INSERT INTO cache_holds (id, snapshot, owner, created) VALUES (?, ?, ?, ?)').run(id, snapshot, ownIdentity(), Date.now());
    return id;
  }

  /** Points hold `id` at another snapshot (an active key that was committed under a name). */
  move(id: string, snapshot: string): void {
    this.#db.prepare('UPDATE cache_holds SET snapshot = ? WHERE id = ?').run(snapshot, id);
  }

  remove(id: string): void {
    this.#db.prepare('DELETE FROM cache_holds WHERE id = ?').run(id);
  }

  /** True when a live process holds `snapshot`. */
  isHeld(snapshot: string): boolean {
    const rows = this.#db.prepare('SELECT owner FROM cache_holds WHERE snapshot = ?').all(snapshot) as { owner: string }[];
    return rows.some((row) => identityAlive(row.owner));
  }

  /** Deletes the holds of processes that are gone; returns the snapshots they held. */
  sweepDead(): string[] {
    return writeTransaction(this.#db, () => {
      const rows = this.#db.prepare('SELECT id, snapshot, owner FROM cache_holds').all() as { id: string; snapshot: string; owner: string }[];
      const dead = rows.filter((row) => !identityAlive(row.owner));
      const remove = this.#db.prepare('DELETE FROM cache_holds WHERE id = ?');
      for (const row of dead) remove.run(row.id);
      return [...new Set(dead.map((row) => row.snapshot))];
    });
  }

  /** Snapshots with a live hold. */
  held(): Set<string> {
    const rows = this.#db.prepare('SELECT snapshot, owner FROM cache_holds').all() as { snapshot: string; owner: string }[];
    return new Set(rows.filter((row) => identityAlive(row.owner)).map((row) => row.snapshot));
  }
}
