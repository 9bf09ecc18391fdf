import type { DatabaseSync } from 'node:sqlite';
import type { GcRoots, LocalContentStore } from '@kiln/content';
import type { Snapshotter } from '@kiln/snapshot';

/** What the parts of the cache manager share: the root's stores and database. */
export interface CacheState {
  /** KILN_ROOT. */
  readonly root: string;
  readonly db: DatabaseSync;
  readonly snapshotter: Snapshotter;
  readonly content: LocalContentStore;
  readonly gcRoots: GcRoots;
  /** Counters for tests and benchmarks. */
  readonly stats: CacheStats;
}

/** What the cache did since it was opened (for tests and benchmarks). */
export interface CacheStats {
  /** Files whose bytes were read to checksum them. */
  filesRead: number;
  /** Bytes read to checksum files. */
  bytesRead: number;
  /** Files whose sha256 came from the fingerprint table without reading. */
  fingerprintHits: number;
  /** Files read whose xxh64 matched the fingerprint, so sha256 was not computed again. */
  xxhashConfirmed: number;
  /** Layers applied by fromLayers. */
  layersApplied: number;
  /** Layer blobs computed by diff for layers(). */
  layersDiffed: number;
}

/** The GC root owner that keeps a snapshot's layer blobs in content. */
export function layerRootOwner(snapshot: string): string {
  return `cache:layers:${snapshot}`;
}
