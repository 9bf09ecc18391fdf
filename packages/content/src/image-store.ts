import type { DatabaseSync } from 'node:sqlite';
import { InvalidArgumentError, NotFoundError } from '@kiln/errors';
import { decodeDescriptor, type Descriptor, type Digest } from '@kiln/oci';
import { ensureContentSchema } from './content-schema.js';

/** A named image: the descriptor of its manifest or index, and when it was named. */
export interface ImageRecord {
  /** Usually a normalised reference (`docker.io/library/busybox:latest`); the store does not interpret it. */
  readonly name: string;
  /** The manifest or index the name points at. */
  readonly target: Descriptor;
  readonly labels: Readonly<Record<string, string>>;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** Milliseconds since the epoch: the last time `put` changed the target or labels. */
  readonly updatedAt: number;
}

interface ImageRow {
  name: string;
  descriptor: string;
  labels: string | null;
  created_at: number;
  updated_at: number;
}

/**
 * Image names → manifest/index descriptors, kept in the metadata database.
 * Named images are garbage-collection roots: their manifests, configs and
 * layers are never collected. Safe across processes (each call is one
 * statement or transaction).
 */
export class ImageStore {
  readonly #db: DatabaseSync;
  readonly #now: () => number;

  /** `now` returns milliseconds since the epoch (a parameter so tests can pin time). */
  constructor(db: DatabaseSync, options: { readonly now?: () => number } = {}) {
    ensureContentSchema(db);
    this.#db = db;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Points `name` at `target`, creating or replacing it; `createdAt` is kept on replace.
   *
   * @throws InvalidArgumentError for an empty name or a malformed descriptor.
   */
  put(name: string, target: Descriptor, labels: Readonly<Record<string, string>> = {}): ImageRecord {
    if (name === '') throw new InvalidArgumentError('image name must not be empty');
    const checked = decodeDescriptor(target, `image ${JSON.stringify(name)} target`);
    const now = this.#now();
    this.#db
      .prepare(
        `INSERT INTO content_images (name, media_type, digest, size, descriptor, labels, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET media_type = excluded.media_type, digest = excluded.digest, size = excluded.size,
           descriptor = excluded.descriptor, labels = excluded.labels, updated_at = excluded.updated_at`,
      )
      .run(name, checked.mediaType, checked.digest, checked.size, JSON.stringify(checked), JSON.stringify(labels), now, now);
    return this.get(name);
  }

  /**
   * Points every name that points at the manifest `from` at `to` instead,
   * keeping their labels and `createdAt`: for swapping an image for an
   * equivalent one (the same image with its layers compressed for a push).
   * One statement, so a name another process re-points meanwhile is left
   * alone. Returns the names changed, sorted.
   *
   * @throws InvalidArgumentError for a malformed descriptor.
   */
  retarget(from: Digest, to: Descriptor): string[] {
    const checked = decodeDescriptor(to, 'image retarget');
    const rows = this.#db
      .prepare(
        `UPDATE content_images SET media_type = ?, digest = ?, size = ?, descriptor = ?, updated_at = ?
         WHERE digest = ? RETURNING name`,
      )
      .all(checked.mediaType, checked.digest, checked.size, JSON.stringify(checked), this.#now(), from) as { name: string }[];
    return rows.map((r) => r.name).sort();
  }

  /** @throws NotFoundError when no image has that name. */
  get(name: string): ImageRecord {
    const row = this.#db.prepare('SELECT * FROM content_images WHERE name = ?').get(name) as ImageRow | undefined;
    if (row === undefined) throw new NotFoundError(`image ${JSON.stringify(name)} not found`);
    return toRecord(row);
  }

  /** The image of that name, or `undefined`. */
  find(name: string): ImageRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM content_images WHERE name = ?').get(name) as ImageRow | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  /** All images, sorted by name; only those whose name starts with `prefix` when given. */
  list(options: { readonly prefix?: string } = {}): ImageRecord[] {
    const rows = this.#db.prepare('SELECT * FROM content_images ORDER BY name').all() as unknown as ImageRow[];
    return rows.filter((row) => options.prefix === undefined || row.name.startsWith(options.prefix)).map(toRecord);
  }

  /** Removes a name (the blobs stay until garbage collection). @throws NotFoundError when absent. */
  delete(name: string): void {
    const { changes } = this.#db.prepare('DELETE FROM content_images WHERE name = ?').run(name);
    if (Number(changes) === 0) throw new NotFoundError(`image ${JSON.stringify(name)} not found`);
  }
}

function toRecord(row: ImageRow): ImageRecord {
  return {
    name: row.name,
    target: decodeDescriptor(JSON.parse(row.descriptor)),
    labels: row.labels === null ? {} : (JSON.parse(row.labels) as Record<string, string>),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
