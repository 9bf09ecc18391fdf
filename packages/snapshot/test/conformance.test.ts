// The Snapshotter conformance suite against both implementations, each on a
// fresh root with its own SQLite database file per case.
import test from 'ava';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createCopySnapshotter, createOverlaySnapshotter, type Snapshotter, type SnapshotterOptions } from '@kiln/snapshot';
import { snapshotterConformance, type SnapshotterFactory } from '@kiln/snapshot/testsuite';

function factory(create: (options: SnapshotterOptions) => Snapshotter): SnapshotterFactory {
  return (root) => {
    const db = new DatabaseSync(path.join(root, 'metadata.db'), { timeout: 10_000 });
    db.exec('PRAGMA journal_mode = WAL');
    return { snapshotter: create({ root, db }), close: () => db.close() };
  };
}

snapshotterConformance(test, 'overlayfs', factory(createOverlaySnapshotter));
snapshotterConformance(test, 'copy', factory(createCopySnapshotter));
