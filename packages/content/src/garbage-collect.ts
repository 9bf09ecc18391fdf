import type { DatabaseSync } from 'node:sqlite';
import type { Digest } from '@kiln/oci';
import { contentChildren, type ContentRef } from './content-references.js';
import { ensureContentSchema } from './content-schema.js';
import type { ContentStore } from './content-store.js';

/** Options of {@link garbageCollect}. */
export interface GarbageCollectOptions {
  readonly content: ContentStore;
  /** The metadata database holding images, leases and gc roots. */
  readonly db: DatabaseSync;
  /**
   * Blobs committed less than this many milliseconds ago are kept even when
   * unreferenced, covering a writer between its commit and recording the
   * digest in a lease. Default {@link defaultGcGracePeriodMs}.
   */
  readonly minAgeMs?: number;
  /** Further roots from the caller (for example blobs a running build holds in memory). */
  readonly extraRoots?: readonly ContentRef[];
  /** Milliseconds since the epoch; a parameter so tests can pin time. */
  readonly now?: number;
}

/** What a collection did. */
export interface GarbageCollectResult {
  readonly removed: readonly Digest[];
  /** Sum of the removed blobs' sizes, in bytes. */
  readonly removedBytes: number;
  /** Number of blobs reachable from roots. */
  readonly reachable: number;
  /** Leases that had expired and were deleted. */
  readonly expiredLeases: readonly string[];
}

/** Default grace period for fresh unreferenced blobs: five minutes. */
export const defaultGcGracePeriodMs = 5 * 60 * 1000;

/**
 * Deletes every blob not reachable from a root: named images, live leases'
 * resources, gc roots and `extraRoots`, following index → manifest → config
 * and layers. Expired leases are deleted first. The database write lock is
 * held from marking to the end of the sweep, so no other process can add a
 * reference in between (they wait up to their busy timeout).
 *
 * @throws DataLossError when a referenced manifest or index is unreadable;
 *   nothing is deleted then, since its references are unknown.
 */
export async function garbageCollect(options: GarbageCollectOptions): Promise<GarbageCollectResult> {
  const { db, content } = options;
  ensureContentSchema(db);
  const now = options.now ?? Date.now();
  const minAge = options.minAgeMs ?? defaultGcGracePeriodMs;
  db.exec('BEGIN IMMEDIATE');
  try {
    const expired = (db.prepare('SELECT id FROM content_leases WHERE expires_at IS NOT NULL AND expires_at <= ?').all(now) as unknown as { id: string }[]).map(
      (row) => row.id,
    );
    db.prepare('DELETE FROM content_leases WHERE expires_at IS NOT NULL AND expires_at <= ?').run(now);
    const roots: ContentRef[] = [
      ...(db.prepare('SELECT digest, media_type FROM content_images').all() as unknown as RootRow[]).map(toRef),
      ...(db.prepare('SELECT digest, media_type FROM content_lease_resources').all() as unknown as RootRow[]).map(toRef),
      ...(db.prepare('SELECT digest, media_type FROM content_gc_roots').all() as unknown as RootRow[]).map(toRef),
      ...(options.extraRoots ?? []),
    ];
    const reachable = await mark(content, roots);
    const removed: Digest[] = [];
    let removedBytes = 0;
    for await (const info of content.walk()) {
      if (reachable.has(info.digest) || now - info.committedAt < minAge) continue;
      try {
        await content.delete(info.digest);
        removed.push(info.digest);
        removedBytes += info.size;
      } catch (error) {
        if ((error as { code?: string }).code !== 'NotFound') throw error; // another collector was first
      }
    }
    db.exec('COMMIT');
    return { removed, removedBytes, reachable: reachable.size, expiredLeases: expired };
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

interface RootRow {
  digest: Digest;
  media_type: string | null;
}

function toRef(row: RootRow): ContentRef {
  return { digest: row.digest, mediaType: row.media_type ?? undefined };
}

/** Every digest reachable from `roots` (roots included, whether stored or not). */
async function mark(content: ContentStore, roots: readonly ContentRef[]): Promise<Set<Digest>> {
  const seen = new Set<Digest>();
  const queue = [...roots];
  for (let ref = queue.pop(); ref !== undefined; ref = queue.pop()) {
    if (seen.has(ref.digest)) continue;
    seen.add(ref.digest);
    queue.push(...(await contentChildren(content, ref)));
  }
  return seen;
}
