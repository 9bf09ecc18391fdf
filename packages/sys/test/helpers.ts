import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readMountInfo, unmountRecursive } from '@kiln/sys';

/** A fresh temporary directory for one test. */
export function tempDir(prefix = 'kiln-sys-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Mount points at or below `dir` (canonical), from /proc/self/mountinfo. */
export function mountsUnder(dir: string): string[] {
  return readMountInfo().map((m) => m.mountPoint).filter((p) => p === dir || p.startsWith(`${dir}/`));
}

/** Unmounts everything under `dir`, removes it, and returns what was still mounted first (should be nothing). */
export function cleanUp(dir: string): string[] {
  const left = mountsUnder(dir);
  unmountRecursive(dir, 2);
  fs.rmSync(dir, { recursive: true, force: true });
  return left;
}
