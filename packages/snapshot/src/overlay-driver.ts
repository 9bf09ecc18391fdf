import fs from 'node:fs';
import { escapeLowerdir, type Mount } from '@kiln/sys';
import type { SnapshotDirs, SnapshotDriverOps } from './driver.js';

/**
 * containerd adds `index=off` whenever the kernel knows the option: with the
 * index feature on, mounting a lower directory that another overlay already
 * used under a different upper fails with ESTALE.
 */
const indexOff = fs.existsSync('/sys/module/overlay/parameters/index') ? ['index=off'] : [];

/**
 * overlayfs: each snapshot stores only its changes in `fs` (the upper
 * directory); a mount stacks the parents' `fs` directories as lower layers.
 * Deletions become whiteouts (char 0/0) and opaque directories in `fs`.
 */
export const overlayDriver: SnapshotDriverOps = {
  name: 'overlayfs',
  async populate(into, kind, parents) {
    fs.mkdirSync(into.fs, { mode: 0o755 });
    if (kind === 'active' && parents.length > 0) fs.mkdirSync(into.work, { mode: 0o700 });
    // The merged root takes the upper directory's owner and mode: keep the parent's.
    const parent = parents[0];
    if (parent !== undefined) {
      const st = fs.lstatSync(parent.fs);
      fs.lchownSync(into.fs, st.uid, st.gid);
      fs.chmodSync(into.fs, st.mode & 0o7777);
    }
  },
  mounts(own, kind, parents) {
    if (parents.length === 0) return [bind(own.fs, kind === 'view')];
    if (kind === 'view') {
      if (parents.length === 1) return [bind(parents[0]!.fs, true)];
      return [{ type: 'overlay', source: 'overlay', options: [...indexOff, lowerdir(parents)] }];
    }
    return [{ type: 'overlay', source: 'overlay', options: [...indexOff, `workdir=${own.work}`, `upperdir=${own.fs}`, lowerdir(parents)] }];
  },
};

function bind(source: string, readOnly: boolean): Mount {
  return { type: 'bind', source, options: ['rbind', readOnly ? 'ro' : 'rw'] };
}

function lowerdir(parents: readonly SnapshotDirs[]): string {
  return `lowerdir=${parents.map((p) => escapeLowerdir(p.fs)).join(':')}`;
}
