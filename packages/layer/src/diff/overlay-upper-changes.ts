import { UnsupportedError } from '@kiln/errors';
import { lgetxattr } from '@kiln/sys';
import { isOverlayOpaque } from '../xattrs.js';
import { childPath, type LayerChange } from './layer-change.js';
import { isOverlayWhiteout, readSortedDir } from './read-dir.js';

/**
 * The changes an overlayfs upper directory holds relative to its lower
 * layers, read from the upper directory alone: char 0/0 devices are removals,
 * opaque directories hide their lower contents, everything else is an upsert.
 * Order per directory: the opaque marker, then removals, then the other
 * children, depth first, each group sorted by name bytes.
 *
 * @throws UnsupportedError for a directory carrying `overlay.redirect` (a
 *   rename with `redirect_dir=on`), which an upper dir alone cannot express.
 */
export async function* overlayUpperChanges(upperDir: string, relative = ''): AsyncGenerator<LayerChange> {
  const children = readSortedDir(relative === '' ? upperDir : `${upperDir}/${relative}`);
  for (const child of children) {
    if (isOverlayWhiteout(child.stats)) yield { kind: 'whiteout', path: childPath(relative, child.name) };
  }
  for (const child of children) {
    if (isOverlayWhiteout(child.stats)) continue;
    const path = childPath(relative, child.name);
    yield { kind: 'upsert', path, source: child.absolute, stats: child.stats };
    if (!child.stats.isDirectory()) continue;
    if (lgetxattr(child.absolute, 'trusted.overlay.redirect') !== undefined) {
      throw new UnsupportedError(`overlay upper directory ${child.absolute} is a redirected (renamed) directory; diff it in "compare" mode`);
    }
    if (isOverlayOpaque(child.absolute)) yield { kind: 'opaque', path };
    yield* overlayUpperChanges(upperDir, path);
  }
}
