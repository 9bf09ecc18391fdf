import fs from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { readLayerXattrs } from '../xattrs.js';
import { childPath, type LayerChange } from './layer-change.js';
import { readSortedDir, type DirChild } from './read-dir.js';

/**
 * The changes that turn the tree at `lowerDir` into the tree at `upperDir`,
 * found by walking both side by side (for snapshots made by copying). Paths
 * only below have upserts, paths only above removals; a path on both sides is
 * an upsert when its type, mode, owner, size, mtime (ns), device, link target
 * or xattrs differ, or, when both mtimes lack nanoseconds (a copy that lost
 * precision), when its bytes differ. A directory that changed type is written
 * whole. Order per directory: removals first, then the other children, depth
 * first, each sorted by name bytes.
 */
export async function* compareChanges(lowerDir: string | undefined, upperDir: string, relative = ''): AsyncGenerator<LayerChange> {
  const upper = readSortedDir(upperDir);
  const lower = lowerDir === undefined ? [] : readSortedDir(lowerDir);
  const lowerByName = new Map(lower.map((c) => [c.name, c]));
  const upperNames = new Set(upper.map((c) => c.name));
  for (const child of lower) {
    if (!upperNames.has(child.name)) yield { kind: 'whiteout', path: childPath(relative, child.name) };
  }
  for (const child of upper) {
    const path = childPath(relative, child.name);
    const before = lowerByName.get(child.name);
    const sameType = before !== undefined && fileType(before.stats) === fileType(child.stats);
    if (!sameType || (await differs(before, child))) yield { kind: 'upsert', path, source: child.absolute, stats: child.stats };
    if (child.stats.isDirectory()) yield* compareChanges(sameType ? before.absolute : undefined, child.absolute, path);
  }
}

function fileType(stats: BigIntStats): bigint {
  return stats.mode & 0o170000n;
}

async function differs(a: DirChild, b: DirChild): Promise<boolean> {
  const x = a.stats;
  const y = b.stats;
  if (x.mode !== y.mode || x.uid !== y.uid || x.gid !== y.gid || x.mtimeNs !== y.mtimeNs) return true;
  if ((x.isCharacterDevice() || x.isBlockDevice()) && x.rdev !== y.rdev) return true;
  if (x.isFile() && x.size !== y.size) return true;
  if (x.isSymbolicLink() && fs.readlinkSync(a.absolute) !== fs.readlinkSync(b.absolute)) return true;
  if (!sameXattrs(readLayerXattrs(a.absolute), readLayerXattrs(b.absolute))) return true;
  if (x.isFile() && x.mtimeNs % 1_000_000_000n === 0n) return !(await sameBytes(a.absolute, b.absolute));
  return false;
}

function sameXattrs(a: Map<string, Buffer>, b: Map<string, Buffer>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, value] of a) {
    const other = b.get(name);
    if (other === undefined || !other.equals(value)) return false;
  }
  return true;
}

async function sameBytes(a: string, b: string): Promise<boolean> {
  const [fa, fb] = await Promise.all([fs.promises.open(a, 'r'), fs.promises.open(b, 'r')]);
  try {
    const ba = Buffer.alloc(256 * 1024);
    const bb = Buffer.alloc(256 * 1024);
    for (;;) {
      const [ra, rb] = await Promise.all([fa.read(ba, 0, ba.length), fb.read(bb, 0, bb.length)]);
      if (ra.bytesRead !== rb.bytesRead) return false;
      if (ra.bytesRead === 0) return true;
      if (!ba.subarray(0, ra.bytesRead).equals(bb.subarray(0, rb.bytesRead))) return false;
    }
  } finally {
    await Promise.all([fa.close(), fb.close()]);
  }
}
