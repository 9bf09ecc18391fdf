import type { ContentRoot } from '@kiln/content';
import { InvalidArgumentError } from '@kiln/errors';
import type { Snapshotter } from '@kiln/snapshot';
import { acquireCacheMount } from './cache-mounts.js';
import { checksumEntries } from './checksum/select.js';
import { treeEntry, type EntryOwner, type TreeEntry } from './checksum/tree-entry.js';
import { storeIndex, treeIndex } from './checksum/tree-index.js';
import type { CacheManager, ContentChecksum, ImmutableRef, LayerRecord } from './contract.js';
import { fromLayers } from './from-layers.js';
import { Holds } from './holds.js';
import { prune, type PruneOptions } from './prune.js';
import { createRecords } from './records.js';
import { ActiveRef, openRef, snapshotKey } from './refs.js';
import { ensureCacheSchema } from './schema.js';
import type { CacheState, CacheStats } from './state.js';
import type fs from 'node:fs';

/** What {@link openCacheManager} needs: one kiln root's stores, opened by the caller. */
export interface CacheManagerOptions {
  /** KILN_ROOT; cache mounts live in `<root>/cache-mounts`. */
  readonly root: string;
  /** From `@kiln/content`'s openContentRoot; its database holds the `cache_` tables. Not closed by the cache. */
  readonly contentRoot: Pick<ContentRoot, 'content' | 'db' | 'gcRoots'>;
  /** The root's snapshotter, opened on the same database. */
  readonly snapshotter: Snapshotter;
}

/** The cache manager of one root, with the extras kiln's own packages use. */
export interface KilnCacheManager extends CacheManager {
  /** Also drops cache records unused for `recordMaxAgeMs` before pruning. */
  prune(options?: PruneOptions): Promise<{ readonly freedBytes: number }>;
  /**
   * The checksum record of one file of a tree being built outside the cache
   * (the local context), through the fingerprint table: `abs` is read only
   * when its inode, size, mtime or ctime changed since it was last hashed.
   * `rel` is its path in the tree (`/`-separated, no leading `/`, `''` for the root);
   * `owner`, when given, is the owner the tree stores it with instead of the one on disk.
   */
  entryOf(abs: string, rel: string, stat: fs.BigIntStats, owner?: EntryOwner): Promise<TreeEntry>;
  /** The index of `ref`'s whole tree, sorted depth-first (walked once per snapshot, then stored). */
  treeIndex(ref: ImmutableRef): Promise<readonly TreeEntry[]>;
  /** Records the index of `ref`'s tree computed elsewhere (entries sorted depth-first), so checksum need not walk it. */
  recordIndex(ref: ImmutableRef, entries: readonly TreeEntry[]): void;
  /** What the cache did since opened (files read, fingerprint hits, layers applied and diffed). */
  readonly stats: Readonly<CacheStats>;
  /** Releases nothing on disk; refs still held are given up by their process's exit (holds of dead processes count for nothing). */
  close(): void;
}

/**
 * Opens the cache manager of a root over its content store, metadata
 * database and snapshotter. Several processes may open the same root: refs,
 * records and cache mounts are coordinated through the database.
 */
export function openCacheManager(options: CacheManagerOptions): KilnCacheManager {
  const { db, content, gcRoots } = options.contentRoot;
  ensureCacheSchema(db);
  const stats: CacheStats = { filesRead: 0, bytesRead: 0, fingerprintHits: 0, xxhashConfirmed: 0, layersApplied: 0, layersDiffed: 0 };
  const state: CacheState = { root: options.root, db, snapshotter: options.snapshotter, content, gcRoots, stats };
  const holds = new Holds(db);
  const manager: KilnCacheManager = {
    stats,
    async newMutable(parent, opts = {}) {
      const key = snapshotKey('active');
      const hold = holds.add(key);
      try {
        const mounts = await state.snapshotter.prepare(key, parent?.id);
        return new ActiveRef(state, holds, key, mounts, hold, opts.description);
      } catch (error) {
        holds.remove(hold);
        throw error;
      }
    },
    fromLayers: (layers, opts) => fromLayers(state, holds, layers, opts),
    async merge(refs) {
      if (refs.length === 0) throw new InvalidArgumentError('merge needs at least one ref');
      if (refs.length === 1) return refs[0]!.clone();
      const layers: LayerRecord[] = [];
      for (const ref of refs) layers.push(...(await ref.layers()));
      return fromLayers(state, holds, layers);
    },
    get: (id) => openRef(state, holds, id),
    cacheMount: (id, sharing, init) => acquireCacheMount(state, id, sharing, init),
    async checksum(ref, selectors, opts = {}): Promise<ContentChecksum> {
      return checksumEntries(await treeIndex(state, ref), selectors, opts);
    },
    records: createRecords(state, holds),
    prune: (opts) => prune(state, holds, opts),
    entryOf: (abs, rel, stat, owner) => treeEntry(state, abs, rel, stat, owner),
    treeIndex: (ref) => treeIndex(state, ref),
    recordIndex: (ref, entries) => storeIndex(state, ref.id, entries),
    close() {},
  };
  return manager;
}
