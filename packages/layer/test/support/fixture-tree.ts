/**
 * The trees the round-trip tests diff: a lower tree, and changes made through
 * a mounted overlay (so the kernel writes the whiteouts and opaque markers).
 */
import fs from 'node:fs';
import path from 'node:path';
import { FileType, mknod, mountAll, unmountRecursive } from '@kiln/sys';
import { capability } from './tmp.ts';
import { setXattr } from './xattr-tool.ts';

export const unicodeName = `ünïcødé-日本語-${'long-name-'.repeat(22)}.txt`;

export function populateLower(root: string): void {
  const w = (rel: string, data: string | Buffer, mode = 0o644) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), data, { mode });
  };
  w('etc/keep', 'unchanged');
  w('etc/modify', 'old contents');
  w('etc/gone', 'to be removed');
  w('gonedir/a', 'a');
  w('gonedir/sub/b', 'b');
  w('opq/old1', 'old');
  w('opq/olddir/x', 'x');
  w('replace-dir-with-file/child', 'c');
  w('replace-file-with-dir', 'f');
  w('lower-link-target', 'shared', 0o640);
  fs.symlinkSync('usr/lib', path.join(root, 'lib'));
  fs.mkdirSync(path.join(root, 'usr/lib'), { recursive: true });
  fs.chmodSync(path.join(root, 'etc'), 0o750);
}

/** Mounts an overlay of `lower` with fresh upper/work dirs under `base`, runs `change` on the merged view, unmounts. */
export function changeThroughOverlay(base: string, lower: string, change: (merged: string) => void): { upper: string; work: string } {
  const upper = path.join(base, 'upper');
  const work = path.join(base, 'work');
  const merged = path.join(base, 'merged');
  for (const d of [upper, work, merged]) fs.mkdirSync(d, { recursive: true });
  mountAll([{ type: 'overlay', source: 'overlay', options: [`lowerdir=${lower}`, `upperdir=${upper}`, `workdir=${work}`] }], merged);
  try {
    change(merged);
  } finally {
    unmountRecursive(merged);
  }
  return { upper, work };
}

/** The changes the round trip covers, applied to a mounted tree. */
export function makeChanges(root: string): void {
  const p = (rel: string) => path.join(root, rel);
  fs.writeFileSync(p('etc/modify'), 'new contents');
  fs.rmSync(p('etc/gone'));
  fs.rmSync(p('gonedir'), { recursive: true });
  fs.rmSync(p('opq'), { recursive: true });
  fs.mkdirSync(p('opq'));
  fs.writeFileSync(p('opq/new'), 'fresh');
  fs.rmSync(p('replace-dir-with-file'), { recursive: true });
  fs.writeFileSync(p('replace-dir-with-file'), 'now a file');
  fs.rmSync(p('replace-file-with-dir'));
  fs.mkdirSync(p('replace-file-with-dir'));
  fs.writeFileSync(p('replace-file-with-dir/inner'), 'inner');
  fs.mkdirSync(p('bin'));
  fs.writeFileSync(p('bin/suid'), '#!/bin/sh\n', { mode: 0o755 });
  fs.chmodSync(p('bin/suid'), 0o4755);
  fs.writeFileSync(p('bin/sgid'), 'g');
  fs.chmodSync(p('bin/sgid'), 0o2711);
  fs.writeFileSync(p('bin/cap'), 'capable');
  setXattr(p('bin/cap'), 'security.capability', capability);
  setXattr(p('bin/cap'), 'user.comment', Buffer.from([0, 1, 2, 0xff, 0x80]));
  fs.mkdirSync(p('tmp'));
  fs.chmodSync(p('tmp'), 0o1777);
  fs.writeFileSync(p('home-big-uid'), 'owned');
  fs.chownSync(p('home-big-uid'), 1000000, 1000000);
  fs.writeFileSync(p('hard-a'), 'linked');
  fs.linkSync(p('hard-a'), p('hard-b'));
  fs.mkdirSync(p('dev'));
  mknod(p('dev/null'), FileType.characterDevice | 0o666, 1, 3);
  mknod(p('dev/loop9'), FileType.blockDevice | 0o660, 7, 9);
  mknod(p('dev/fifo'), FileType.fifo | 0o600);
  fs.writeFileSync(p(unicodeName), 'unicode');
  fs.symlinkSync(`../${'deep/'.repeat(30)}target`, p('long-symlink'));
  fs.symlinkSync('/etc/keep', p('abs-symlink'));
  // Through the lower layer's usr-merge symlink: lands in usr/lib.
  fs.writeFileSync(p('lib/libnew.so'), 'elf');
  const sparse = fs.openSync(p('sparse'), 'w');
  fs.writeSync(sparse, 'end', 8 * 1024 * 1024);
  fs.closeSync(sparse);
  fs.utimesSync(p('etc/modify'), 1600000000, 1600000000);
}
