/**
 * @packageDocumentation
 * Refs over snapshots, lazy layer blobs, cache records, file fingerprints,
 * usage and prune: {@link openCacheManager} implements the
 * {@link CacheManager} contract over a root's snapshotter, content store and
 * metadata database (tables prefixed `cache_`).
 */
export type { CacheManager, ImmutableRef, MutableRef, LayerRecord, CacheMountHandle, ContentChecksum } from './contract.js';
export { openCacheManager, type CacheManagerOptions, type KilnCacheManager } from './cache-manager.js';
export type { CacheStats } from './state.js';
export type { PruneOptions } from './prune.js';
export type { LayersOptions } from './layers.js';
export { chainIds } from './from-layers.js';
export { type EntryOwner, type TreeEntry, type TreeEntryKind, comparePaths } from './checksum/tree-entry.js';
export { compareTreeOrder } from './checksum/tree-index.js';
export { checksumEntries, maxFileDigests, type SelectOptions } from './checksum/select.js';
