import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isBindMount, mountAll, parseMountOptions, splitLowerdirs, unmountRecursive, type Mount } from '@kiln/sys';

/** An overlay mount's directories, when `mounts` is exactly one overlay mount. */
export interface OverlayDirs {
  /** Lower directories, top (newest) first. */
  readonly lowerdirs: readonly string[];
  readonly upperdir?: string;
}

/** The directories of a single overlay mount, or `undefined` for anything else. */
export function overlayDirs(mounts: readonly Mount[]): OverlayDirs | undefined {
  if (mounts.length !== 1 || mounts[0]!.type !== 'overlay') return undefined;
  let lowerdirs: string[] = [];
  let upperdir: string | undefined;
  for (const option of parseMountOptions(mounts[0]!.options).data) {
    if (option.startsWith('lowerdir=')) lowerdirs = splitLowerdirs(option.slice('lowerdir='.length));
    else if (option.startsWith('upperdir=')) upperdir = option.slice('upperdir='.length);
  }
  return upperdir === undefined ? { lowerdirs } : { lowerdirs, upperdir };
}

/** The directory a single bind mount exposes, or `undefined`. */
export function bindDir(mounts: readonly Mount[]): string | undefined {
  return mounts.length === 1 && isBindMount(mounts[0]!) && (mounts[0]!.target ?? '') === '' ? mounts[0]!.source : undefined;
}

/**
 * The stack of directories `mounts` shows, top first, when it is a plain
 * stack (nothing, one bind mount, or one overlay); `undefined` otherwise.
 * Two mount lists with equal stacks show the same tree.
 */
export function layerStack(mounts: readonly Mount[]): readonly string[] | undefined {
  if (mounts.length === 0) return [];
  const bind = bindDir(mounts);
  if (bind !== undefined) return [bind];
  const overlay = overlayDirs(mounts);
  if (overlay === undefined) return undefined;
  return overlay.upperdir === undefined ? overlay.lowerdirs : [overlay.upperdir, ...overlay.lowerdirs];
}

/**
 * Calls `use` with a directory showing `mounts`: the bind source itself when
 * that is all it is, otherwise a temporary mount point (read-only when asked),
 * unmounted and removed afterwards, also when `use` throws.
 */
export async function withMountedDir<T>(mounts: readonly Mount[], readOnly: boolean, use: (dir: string) => Promise<T>): Promise<T> {
  const bind = bindDir(mounts);
  if (bind !== undefined) return use(bind);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-layer-mount-'));
  try {
    mountAll(readOnly ? mounts.map((m) => ({ ...m, options: [...m.options, 'ro'] })) : mounts, dir);
    try {
      return await use(dir);
    } finally {
      unmountRecursive(dir);
    }
  } finally {
    fs.rmdirSync(dir);
  }
}
