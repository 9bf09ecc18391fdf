import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { InternalError } from '@kiln/errors';
import type { Mount } from '@kiln/sys';
import type { SnapshotDriverOps } from './driver.js';

/**
 * The copy snapshotter, for roots where overlayfs cannot work (a root on
 * overlayfs, some rootless setups): every snapshot holds a full tree, copied
 * from its parent when created (reflinked where the filesystem can), and is
 * mounted with a bind mount.
 */
export const copyDriver: SnapshotDriverOps = {
  name: 'copy',
  async populate(into, _kind, parents) {
    const parent = parents[0];
    if (parent === undefined) {
      fs.mkdirSync(into.fs, { mode: 0o755 });
      return;
    }
    await copyTree(parent.fs, into.fs);
  },
  mounts(own, kind): Mount[] {
    return [{ type: 'bind', source: own.fs, options: ['rbind', kind === 'view' ? 'ro' : 'rw'] }];
  },
};

/**
 * Copies the tree `from` to the new path `to` with GNU `cp -a --reflink=auto`,
 * which keeps modes, owners, timestamps, xattrs, hard links (within the tree),
 * device nodes, FIFOs and symlinks as they are. Throws InternalError with
 * cp's message when it fails.
 */
export async function copyTree(from: string, to: string): Promise<void> {
  const child = spawn('cp', ['-a', '--reflink=auto', '--no-target-directory', from, to], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new InternalError(`cp -a ${JSON.stringify(from)} ${JSON.stringify(to)} exited with ${code}: ${stderr.trim()}`);
}
