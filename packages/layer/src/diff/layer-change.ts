import type { BigIntStats } from 'node:fs';

/**
 * One change between two file trees, the unit {@link diffDirectories} yields
 * and `writeLayerTar` encodes. `path` is relative to the tree root,
 * `/`-separated, never empty, never with `.` or `..` components.
 *
 * - `upsert`: the file at `path` was added or modified; `source` is where to
 *   read it now (absolute), `stats` its lstat.
 * - `whiteout`: `path` was removed (written as `.wh.<name>`).
 * - `opaque`: the directory `path` hides everything below it in lower layers
 *   (written as `<path>/.wh..wh..opq`).
 */
export type LayerChange =
  | { readonly kind: 'upsert'; readonly path: string; readonly source: string; readonly stats: BigIntStats }
  | { readonly kind: 'whiteout'; readonly path: string }
  | { readonly kind: 'opaque'; readonly path: string };

/** How {@link diffDirectories} finds changes. */
export type DiffMode =
  /** `upper` is an overlayfs upper directory over `lower`: read changes from it directly (char 0/0 = removed, opaque xattr = replaced dir). */
  | 'overlay-upper'
  /** `upper` is a full tree: compare it with `lower` file by file. */
  | 'compare';

/** Joins a relative directory path and a child name. */
export function childPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
