import fs from 'node:fs';
import path from 'node:path';
import { secureJoin } from './secure-join.js';

/**
 * The mount targets that did not exist in a rootfs before a run. The runtime
 * creates a missing mount target (directories, or an empty file for a file
 * bind) in the rootfs, which would leave it in the step's layer; BuildKit
 * removes such stubs after the run, and so does kiln.
 */
export interface MountStubs {
  /**
   * Removes each recorded path that is still a stub (an empty directory or an
   * empty regular file), deepest first, and restores the mtime of the
   * directories they were made in. Anything a step wrote there stays.
   */
  cleanup(): void;
}

/**
 * Records, before a run, every missing path component leading to each of
 * `destinations` (absolute paths inside the container) in `rootfs`.
 */
export function recordMountStubs(rootfs: string, destinations: readonly string[]): MountStubs {
  const missing = new Set<string>();
  const parents = new Map<string, fs.Stats>();
  for (const destination of destinations) {
    let current = '/';
    let found = false;
    for (const part of destination.split('/').filter(Boolean)) {
      current = path.posix.join(current, part);
      const host = secureJoin(rootfs, current);
      if (!found && fs.existsSync(host)) continue;
      if (!found) {
        found = true;
        const parent = path.dirname(host);
        if (!parents.has(parent)) {
          try {
            parents.set(parent, fs.statSync(parent));
          } catch {
            // The parent is itself missing; nothing to restore.
          }
        }
      }
      missing.add(host);
    }
  }
  return {
    cleanup(): void {
      for (const p of [...missing].sort((a, b) => b.length - a.length)) removeIfStub(p);
      for (const [parent, before] of parents) {
        try {
          // Only where the runtime changed it: touching an unchanged overlay directory would copy it up into the layer.
          if (fs.statSync(parent).mtimeMs !== before.mtimeMs) fs.utimesSync(parent, before.atime, before.mtime);
        } catch {
          // Gone with a stub of its own.
        }
      }
    },
  };
}

function removeIfStub(p: string): void {
  try {
    const st = fs.lstatSync(p);
    if (st.isDirectory()) fs.rmdirSync(p);
    else if (st.isFile() && st.size === 0) fs.unlinkSync(p);
  } catch {
    // Missing, or a directory the step filled: either way it is not ours to remove.
  }
}
