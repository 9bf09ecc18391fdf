import type { DatabaseSync } from 'node:sqlite';
import { InvalidArgumentError } from '@kiln/errors';
import type { Digest } from '@kiln/oci';
import { ensureContentSchema } from './content-schema.js';
import { writeTransaction } from './metadata-database.js';

/**
 * Long-lived garbage-collection roots owned by other parts of kiln (the
 * build cache, exporters): an owner names a set of blobs that must stay, and
 * replaces or drops the whole set as its own records change. Unlike leases
 * they never expire.
 */
export class GcRoots {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    ensureContentSchema(db);
    this.#db = db;
  }

  /** Makes `resources` the whole set pinned by `owner` (an empty list drops it). @throws InvalidArgumentError for an empty owner. */
  set(owner: string, resources: readonly { readonly digest: Digest; readonly mediaType?: string }[]): void {
    if (owner === '') throw new InvalidArgumentError('gc root owner must not be empty');
    writeTransaction(this.#db, () => {
      this.#db.prepare('DELETE FROM content_gc_roots WHERE owner = ?').run(owner);
      const insert = this.#db.prepare('INSERT OR REPLACE INTO content_gc_roots (owner, digest, media_type) VALUES (?, ?, ?)');
      for (const r of resources) insert.run(owner, r.digest, r.mediaType ?? null);
    });
  }

  /** Drops everything `owner` pinned. */
  delete(owner: string): void {
    this.#db.prepare('DELETE FROM content_gc_roots WHERE owner = ?').run(owner);
  }

  /** The blobs `owner` pins. */
  get(owner: string): { digest: Digest; mediaType: string | undefined }[] {
    const rows = this.#db.prepare('SELECT digest, media_type FROM content_gc_roots WHERE owner = ? ORDER BY digest').all(owner) as unknown as {
      digest: Digest;
      media_type: string | null;
    }[];
    return rows.map((row) => ({ digest: row.digest, mediaType: row.media_type ?? undefined }));
  }
}
