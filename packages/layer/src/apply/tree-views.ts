import fs from 'node:fs';
import { lsetxattr } from '@kiln/sys';
import { isOverlayWhiteout } from '../diff/read-dir.js';
import { isLayerXattr, isOverlayOpaque, readLayerXattrs } from '../xattrs.js';
import { inRoot, type TreeView } from './resolve-in-root.js';

/** lstat, or `undefined` when nothing is there (ENOENT or ENOTDIR). */
export function lstatOrUndefined(absolute: string): fs.BigIntStats | undefined {
  try {
    return fs.lstatSync(absolute, { bigint: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

function describe(absolute: string, stats: fs.BigIntStats) {
  if (stats.isDirectory()) return { kind: 'directory' as const };
  if (stats.isSymbolicLink()) return { kind: 'symlink' as const, link: fs.readlinkSync(absolute) };
  return { kind: 'other' as const };
}

/** A plain directory holding the whole tree (lower layers included). */
export function plainView(root: string, onMakeDir: (components: readonly string[]) => void): TreeView {
  return {
    root,
    lookup(components) {
      const absolute = inRoot(root, components);
      const stats = lstatOrUndefined(absolute);
      return stats === undefined ? undefined : describe(absolute, stats);
    },
    makeDir(components) {
      fs.mkdirSync(inRoot(root, components), { mode: 0o755 });
      onMakeDir(components);
    },
  };
}

/**
 * Where `components` is visible in an overlay stack (`layers` top first, the
 * writable upper directory first): the absolute path in the topmost layer
 * that has it, or `undefined` when it is absent or whited out. An opaque
 * parent directory ends the search below it.
 */
export function findInStack(layers: readonly string[], components: readonly string[]): { absolute: string; stats: fs.BigIntStats; layer: number } | undefined {
  for (const [layer, dir] of layers.entries()) {
    const absolute = inRoot(dir, components);
    const stats = lstatOrUndefined(absolute);
    if (stats !== undefined) return isOverlayWhiteout(stats) ? undefined : { absolute, stats, layer };
    // Layers below are hidden when any ancestor in this layer is opaque, or is not a directory (a whiteout).
    for (let depth = components.length - 1; depth >= 1; depth--) {
      const ancestor = inRoot(dir, components.slice(0, depth));
      const ancestorStats = lstatOrUndefined(ancestor);
      if (ancestorStats === undefined) continue;
      if (!ancestorStats.isDirectory() || isOverlayOpaque(ancestor)) return undefined;
    }
  }
  return undefined;
}

/**
 * An overlay upper directory (`layers[0]`) over read-only lower directories:
 * lookups see the merged tree, so a symlink that exists only below (such as a
 * usr-merge `lib -> usr/lib`) is followed rather than shadowed; a directory
 * that exists only below is copied up with its owner, mode, times and xattrs.
 */
export function overlayView(layers: readonly string[], onMakeDir: (components: readonly string[]) => void): TreeView {
  const root = layers[0]!;
  return {
    root,
    lookup(components) {
      const found = findInStack(layers, components);
      return found === undefined ? undefined : describe(found.absolute, found.stats);
    },
    makeDir(components) {
      const target = inRoot(root, components);
      const below = findInStack(layers.slice(1), components);
      // A whiteout in the upper dir hides the lower one: replace it.
      if (lstatOrUndefined(target) !== undefined) fs.rmSync(target);
      fs.mkdirSync(target, { mode: 0o755 });
      if (below?.stats.isDirectory() === true) copyMetadata(below.absolute, below.stats, target);
      onMakeDir(components);
    },
  };
}

/** Copies owner, mode, layer xattrs and times of `source` onto `target`. */
export function copyMetadata(source: string, stats: fs.BigIntStats, target: string): void {
  fs.lchownSync(target, Number(stats.uid), Number(stats.gid));
  if (!stats.isSymbolicLink()) fs.chmodSync(target, Number(stats.mode & 0o7777n));
  for (const [name, value] of readLayerXattrs(source)) if (isLayerXattr(name)) lsetxattr(target, name, value);
  const seconds = Number(stats.mtimeNs) / 1e9;
  fs.lutimesSync(target, seconds, seconds);
}

