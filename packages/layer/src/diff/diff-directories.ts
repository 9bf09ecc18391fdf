import { compareChanges } from './compare-changes.js';
import type { DiffMode, LayerChange } from './layer-change.js';
import { overlayUpperChanges } from './overlay-upper-changes.js';

/** Options of {@link diffDirectories}. */
export interface DiffDirectoriesOptions {
  readonly mode: DiffMode;
}

/**
 * The changes from `lowerDir` to `upperDir` as a lazy stream, in the order
 * they go into the layer. In `overlay-upper` mode `upperDir` is an overlayfs
 * upper directory and `lowerDir` is not read (pass `undefined` or the merged
 * lower for symmetry); in `compare` mode both are full trees and `undefined`
 * stands for an empty lower. Neither directory may change while the stream is
 * read. The root directory itself is never a change.
 */
export function diffDirectories(lowerDir: string | undefined, upperDir: string, options: DiffDirectoriesOptions): AsyncGenerator<LayerChange> {
  return options.mode === 'overlay-upper' ? overlayUpperChanges(upperDir) : compareChanges(lowerDir, upperDir);
}
