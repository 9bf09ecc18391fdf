import { randomBytes } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { AlreadyExistsError, InvalidArgumentError, NotFoundError } from '@kiln/errors';
import type { Digest } from '@kiln/oci';
import { ensureContentSchema } from './content-schema.js';
import { writeTransaction } from './metadata-database.js';

/** A lease: while it lives, the blobs added to it (and what they reference) are not collected. */
export interface Lease {
  readonly id: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** Milliseconds since the epoch after which the lease no longer protects anything; `undefined` = never. */
  readonly expiresAt: number | undefined;
}

/** Options of {@link Leases.create}. */
export interface CreateLeaseOptions {
  /** Chosen when absent. */
  readonly id?: string;
  /**
   * Lifetime in milliseconds ({@link defaultLeaseTtlMs} when absent; `null`
   * for a lease that never expires). Expiry is what keeps a crashed process's
   * leases from pinning blobs forever; long jobs call {@link Leases.renew}.
   */
  readonly ttlMs?: number | null;
  readonly labels?: Readonly<Record<string, string>>;
}

/** Default lease lifetime: one hour. */
export const defaultLeaseTtlMs = 60 * 60 * 1000;

interface LeaseRow {
  id: string;
  labels: string | null;
  created_at: number;
  expires_at: number | null;
}

/**
 * Leases in the metadata database: a writer creates a lease, adds each digest
 * **before** it relies on the blob (checks `has`, writes, or references it),
 * and deletes the lease when the blobs are referenced from an image (or no
 * longer needed). Garbage collection treats live leases' resources as roots
 * and deletes expired leases.
 */
export class Leases {
  readonly #db: DatabaseSync;
  readonly #now: () => number;

  /** `now` returns milliseconds since the epoch (a parameter so tests can pin time). */
  constructor(db: DatabaseSync, options: { readonly now?: () => number } = {}) {
    ensureContentSchema(db);
    this.#db = db;
    this.#now = options.now ?? Date.now;
  }

  /** @throws AlreadyExistsError when `id` is taken; InvalidArgumentError for a bad ttl. */
  create(options: CreateLeaseOptions = {}): Lease {
    const id = options.id ?? `lease-${randomBytes(8).toString('hex')}`;
    const ttl = options.ttlMs === undefined ? defaultLeaseTtlMs : options.ttlMs;
    if (ttl !== null && (!Number.isFinite(ttl) || ttl <= 0)) throw new InvalidArgumentError(`lease ttl must be a positive number of milliseconds, got ${ttl}`);
    const now = this.#now();
    try {
      this.#db
        .prepare('INSERT INTO content_leases (id, labels, created_at, expires_at) VALUES (?, ?, ?, ?)')
        .run(id, JSON.stringify(options.labels ?? {}), now, ttl === null ? null : now + ttl);
    } catch (cause) {
      if (/UNIQUE/.test((cause as Error).message)) throw new AlreadyExistsError(`lease ${JSON.stringify(id)} already exists`, { cause });
      throw cause;
    }
    return this.get(id);
  }

  /** @throws NotFoundError when there is no such lease. */
  get(id: string): Lease {
    const row = this.#db.prepare('SELECT * FROM content_leases WHERE id = ?').get(id) as LeaseRow | undefined;
    if (row === undefined) throw new NotFoundError(`lease ${JSON.stringify(id)} not found`);
    return toLease(row);
  }

  /** All leases, expired ones included, sorted by id. */
  list(): Lease[] {
    return (this.#db.prepare('SELECT * FROM content_leases ORDER BY id').all() as unknown as LeaseRow[]).map(toLease);
  }

  /** Extends a lease to expire `ttlMs` milliseconds from now. @throws NotFoundError when absent. */
  renew(id: string, ttlMs: number = defaultLeaseTtlMs): void {
    const { changes } = this.#db.prepare('UPDATE content_leases SET expires_at = ? WHERE id = ?').run(this.#now() + ttlMs, id);
    if (Number(changes) === 0) throw new NotFoundError(`lease ${JSON.stringify(id)} not found`);
  }

  /**
   * Adds blobs to a lease. `mediaType` helps garbage collection follow a
   * manifest or index without sniffing it.
   *
   * @throws NotFoundError when the lease does not exist.
   */
  addResources(id: string, resources: readonly { readonly digest: Digest; readonly mediaType?: string }[]): void {
    writeTransaction(this.#db, () => {
      this.get(id);
      const insert = this.#db.prepare(
        'INSERT INTO content_lease_resources (lease_id, digest, media_type) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET media_type = coalesce(excluded.media_type, media_type)',
      );
      for (const r of resources) insert.run(id, r.digest, r.mediaType ?? null);
    });
  }

  /** Removes blobs from a lease; unknown digests are ignored. */
  removeResources(id: string, digests: readonly Digest[]): void {
    writeTransaction(this.#db, () => {
      const remove = this.#db.prepare('DELETE FROM content_lease_resources WHERE lease_id = ? AND digest = ?');
      for (const digest of digests) remove.run(id, digest);
    });
  }

  /** The blobs of a lease. */
  resources(id: string): { digest: Digest; mediaType: string | undefined }[] {
    const rows = this.#db.prepare('SELECT digest, media_type FROM content_lease_resources WHERE lease_id = ? ORDER BY digest').all(id) as unknown as {
      digest: Digest;
      media_type: string | null;
    }[];
    return rows.map((row) => ({ digest: row.digest, mediaType: row.media_type ?? undefined }));
  }

  /** Deletes a lease and its resource list (the blobs stay until garbage collection). @throws NotFoundError when absent. */
  delete(id: string): void {
    const { changes } = this.#db.prepare('DELETE FROM content_leases WHERE id = ?').run(id);
    if (Number(changes) === 0) throw new NotFoundError(`lease ${JSON.stringify(id)} not found`);
  }
}

function toLease(row: LeaseRow): Lease {
  return {
    id: row.id,
    labels: row.labels === null ? {} : (JSON.parse(row.labels) as Record<string, string>),
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? undefined : Number(row.expires_at),
  };
}
