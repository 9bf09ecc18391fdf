import type { Mount } from '@kiln/sys';
import type { SnapshotKind, SnapshotterDriver } from './snapshotter.js';

/** Where one snapshot's files live: `<root>/snapshots/<id>/{fs,work}`. */
export interface SnapshotDirs {
  /** The snapshot's own tree (overlay upper directory, or the whole copy). */
  readonly fs: string;
  /** Overlay's scratch directory (unused by the copy driver). */
  readonly work: string;
}

/**
 * What differs between the overlayfs and copy snapshotters; everything else
 * (metadata, naming, transactions, removal) is shared in DirectorySnapshotter.
 */
export interface SnapshotDriverOps {
  readonly name: SnapshotterDriver;
  /**
   * Fills the fresh, not yet visible directory `into` for a new snapshot of
   * `kind` whose parent chain's directories are `parents` (nearest first).
   */
  populate(into: SnapshotDirs, kind: Exclude<SnapshotKind, 'committed'>, parents: readonly SnapshotDirs[]): Promise<void>;
  /** The mounts of an active snapshot or view. */
  mounts(own: SnapshotDirs, kind: Exclude<SnapshotKind, 'committed'>, parents: readonly SnapshotDirs[]): Mount[];
}
