import type { Mount } from '@kiln/sys';

/**
 * What a snapshot is now. `active` snapshots are writable and come from
 * {@link Snapshotter.prepare}; `view`s are read-only and come from
 * {@link Snapshotter.view}; `committed` snapshots are immutable and come only
 * from {@link Snapshotter.commit}. Only committed snapshots can be parents.
 */
export type SnapshotKind = 'active' | 'view' | 'committed';

/** Which implementation stores the snapshots. */
export type SnapshotterDriver = 'overlayfs' | 'copy';

/** Free-form string labels, kept with a snapshot (for example a GC root or a layer digest). */
export type SnapshotLabels = Readonly<Record<string, string>>;

/** The metadata of one snapshot, as {@link Snapshotter.stat} and {@link Snapshotter.walk} give it. */
export interface SnapshotInfo {
  readonly kind: SnapshotKind;
  /** The key (active, view) or name (committed). */
  readonly name: string;
  /** The name of the committed parent, or undefined for a snapshot on nothing. */
  readonly parent: string | undefined;
  readonly labels: SnapshotLabels;
  readonly created: Date;
  readonly updated: Date;
}

/**
 * Disk space a snapshot uses by itself: for overlayfs the upper directory (its
 * own changes), for the copy driver its whole tree. Hard links count once.
 */
export interface SnapshotUsage {
  /** Bytes allocated on disk (st_blocks × 512), like `du`. */
  readonly size: number;
  /** Distinct inodes, the snapshot's root directory included. */
  readonly inodes: number;
}

/** Options of {@link Snapshotter.prepare}, {@link Snapshotter.view} and {@link Snapshotter.commit}. */
export interface SnapshotOptions {
  readonly labels?: SnapshotLabels;
}

/**
 * Stores filesystem snapshots as a tree of parents, in containerd's shape.
 *
 * Words: a **key** names an active snapshot or a view while it exists; a
 * **name** names a committed snapshot. Keys and names share one namespace: no
 * key may equal a name. A **parent** is the committed snapshot a new one
 * starts from; its files show through, and the child records only changes.
 *
 * A snapshotter returns {@link Mount}s as data and never mounts them: the
 * caller mounts them (with `@kiln/sys`' `mountAll`) where it needs the tree and
 * unmounts before committing or removing.
 *
 * Lifecycle, a worked example (what the exec op of a `RUN` does):
 * ```ts
 * const mounts = await sn.prepare('run-1', 'sha256:base');  // active, on committed `sha256:base`
 * mountAll(mounts, rootfs);                                 // caller mounts …
 * // … runs the process, which writes into rootfs …
 * unmountRecursive(rootfs);                                 // … and unmounts
 * await sn.commit('sha256:run1', 'run-1');                  // 'run-1' is gone; 'sha256:run1' is committed
 * const ro = await sn.view('export-1', 'sha256:run1');      // read-only mounts of the result
 * await sn.remove('export-1');
 * await sn.remove('sha256:base');                           // FailedPrecondition: 'sha256:run1' depends on it
 * ```
 * Errors are kiln error classes: NotFound for an unknown key, name or parent;
 * AlreadyExists for a key or name in use; InvalidArgument for an empty key or a
 * parent that is not committed; FailedPrecondition for committing a view,
 * mounting a committed snapshot or removing one that has children.
 *
 * Several processes may share one root and database: each change is one
 * database transaction, and directories are renamed into place inside it.
 */
export interface Snapshotter {
  /** Which implementation this is (reported by the CLI). */
  readonly driver: SnapshotterDriver;
  /** Metadata of the snapshot with this key or name. Throws NotFoundError. */
  stat(keyOrName: string): Promise<SnapshotInfo>;
  /**
   * Disk usage of the snapshot itself. Measured now for active snapshots and
   * views; for committed ones measured on first use and kept (they never
   * change). Throws NotFoundError.
   */
  usage(keyOrName: string): Promise<SnapshotUsage>;
  /** The mounts of an active snapshot or view, as prepare/view returned them. Throws NotFound, FailedPrecondition (committed). */
  mounts(key: string): Promise<Mount[]>;
  /** Creates a writable active snapshot `key` on `parent` (a committed name) or on nothing, and returns its mounts. */
  prepare(key: string, parent?: string, options?: SnapshotOptions): Promise<Mount[]>;
  /** Creates a read-only view `key` of `parent` (or of an empty tree) and returns its mounts. Writes through them fail with EROFS. */
  view(key: string, parent?: string, options?: SnapshotOptions): Promise<Mount[]>;
  /**
   * Turns active snapshot `key` into committed snapshot `name` (the key stops
   * existing). Its mounts must be unmounted first. Labels given here replace
   * the snapshot's labels. Throws NotFound, AlreadyExists (name), FailedPrecondition (a view).
   */
  commit(name: string, key: string, options?: SnapshotOptions): Promise<void>;
  /** Removes a snapshot and its files. Throws NotFound, FailedPrecondition (it has children). */
  remove(keyOrName: string): Promise<void>;
  /** Every snapshot of this snapshotter, in creation order. */
  walk(): AsyncIterable<SnapshotInfo>;
  /** Deletes directories that no snapshot owns (left by a crash between steps). Returns how many. */
  cleanup(): Promise<number>;
}
