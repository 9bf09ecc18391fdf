/**
 * @packageDocumentation
 * The {@link Snapshotter} interface (containerd's shape) with an overlayfs and
 * a copy implementation over `<root>/snapshots/<id>` and SQLite metadata, and
 * {@link chooseSnapshotter} to pick one for a root. The conformance suite both
 * run is the subpath `@kiln/snapshot/testsuite`.
 */
/** The mount data type snapshotters return (from `@kiln/sys`), so users of snapshots need not import sys. */
export type { Mount } from '@kiln/sys';
export type { Snapshotter, SnapshotInfo, SnapshotKind, SnapshotLabels, SnapshotOptions, SnapshotUsage, SnapshotterDriver } from './snapshotter.js';
export type { SnapshotterOptions } from './directory-snapshotter.js';
export { createOverlaySnapshotter, createCopySnapshotter, chooseSnapshotter, openSnapshotter, type SnapshotterChoice } from './choose.js';
export { diskUsage } from './disk-usage.js';
export { copyTree } from './copy-driver.js';
