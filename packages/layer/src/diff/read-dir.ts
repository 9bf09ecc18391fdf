import fs from 'node:fs';
import path from 'node:path';

/** A directory child with its lstat, as the walkers see it. */
export interface DirChild {
  readonly name: string;
  readonly absolute: string;
  readonly stats: fs.BigIntStats;
}

/**
 * The children of `dir`, sorted by the UTF-8 bytes of their names (the order
 * layers are written in). Synchronous on purpose: per-file async fs calls
 * cost ten times more here (see deps.md §3), and one directory is small.
 */
export function readSortedDir(dir: string): DirChild[] {
  const names = fs.readdirSync(dir);
  names.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  return names.map((name) => {
    const absolute = path.join(dir, name);
    return { name, absolute, stats: fs.lstatSync(absolute, { bigint: true }) };
  });
}

/** True for an overlayfs whiteout: a character device with device number 0/0. */
export function isOverlayWhiteout(stats: fs.BigIntStats): boolean {
  return stats.isCharacterDevice() && stats.rdev === 0n;
}
