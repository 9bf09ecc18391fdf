import fs from 'node:fs/promises';
import path from 'node:path';
import type { SnapshotUsage } from './snapshotter.js';

/**
 * Disk usage of the tree at `dir` (containerd's `fs.DiskUsage`): bytes
 * allocated (st_blocks × 512) and distinct inodes, the root included; a hard
 * link is counted once. Symlinks are not followed.
 */
export async function diskUsage(dir: string): Promise<SnapshotUsage> {
  const seen = new Set<string>();
  let size = 0;
  const visit = async (p: string): Promise<void> => {
    const st = await fs.lstat(p, { bigint: true });
    const id = `${st.dev}:${st.ino}`;
    if (!seen.has(id)) {
      seen.add(id);
      size += Number(st.blocks) * 512;
    }
    if (st.isDirectory()) for (const name of await fs.readdir(p)) await visit(path.join(p, name));
  };
  await visit(dir);
  return { size, inodes: seen.size };
}
