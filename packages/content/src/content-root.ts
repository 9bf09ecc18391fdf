import type { DatabaseSync } from 'node:sqlite';
import { GcRoots } from './gc-roots.js';
import { ImageStore } from './image-store.js';
import { defaultKilnRoot, kilnRootLayout } from './kiln-root.js';
import { Leases } from './leases.js';
import { LocalContentStore } from './local-content-store.js';
import { openMetadataDatabase } from './metadata-database.js';

/** A kiln root's content store and content metadata, opened together. */
export interface ContentRoot {
  readonly root: string;
  readonly content: LocalContentStore;
  /** The root's one metadata database; other packages may add their own (prefixed) tables to it. */
  readonly db: DatabaseSync;
  readonly images: ImageStore;
  readonly leases: Leases;
  readonly gcRoots: GcRoots;
  /** Closes the database. The content store holds no open files between calls. */
  close(): void;
}

/**
 * Opens `root` (default {@link defaultKilnRoot}): `root/content` as a
 * {@link LocalContentStore} (stale ingests removed) and `root/metadata.db`.
 * The caller calls `close()`.
 */
export async function openContentRoot(root: string = defaultKilnRoot()): Promise<ContentRoot> {
  const layout = kilnRootLayout(root);
  const content = await LocalContentStore.open(layout.content);
  const db = openMetadataDatabase(layout.metadataDatabase);
  return {
    root,
    content,
    db,
    images: new ImageStore(db),
    leases: new Leases(db),
    gcRoots: new GcRoots(db),
    close: () => db.close(),
  };
}
