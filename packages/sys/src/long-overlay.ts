import fs from 'node:fs';
import { ResourceExhaustedError } from '@kiln/errors';
import { ErrnoError } from './errno-error.js';
import { lastErrno, libc } from './libc.js';
import { escapeLowerdir, MountFlag, splitLowerdirs } from './mount-types.js';

/**
 * The most bytes mount(2) copies of its data argument: one page, including the
 * terminating NUL. Longer overlay option strings are cut by the kernel, so
 * they take one of the two routes below.
 */
export const mountDataLimit = 4095;

/** fsconfig(2) copies at most 256 bytes of a string value, NUL included. */
const fsconfigValueLimit = 255;

const fsconfigSetFlag = 0;
const fsconfigSetString = 1;
const fsconfigCmdCreate = 6;
const atFdCwd = -100;
const moveMountFEmptyPath = 4;

/** How an overlay whose options outgrow one page gets mounted. */
export type LongOverlayStrategy = 'fsconfig' | 'fd-paths';

/**
 * Mounts an overlay through the new mount API (fsopen/fsconfig/fsmount/move_mount,
 * Linux ≥ 6.8 for `lowerdir+`): each lower directory is one fsconfig call, so
 * there is no page limit. A directory longer than fsconfig's 255 bytes is
 * passed as `/proc/self/fd/N` of a descriptor held open during the call.
 * Throws {@link ErrnoError} (fsopen ENOSYS / `lowerdir+` EINVAL on older kernels).
 */
export function mountOverlayWithFsconfig(target: string, flags: number, data: readonly string[]): void {
  const c = libc();
  const held: number[] = [];
  const fd = c.fsopen('overlay', 1);
  if (fd < 0) throw new ErrnoError('fsopen', lastErrno(), 'overlay');
  try {
    const config = (key: string, value: string | null): void => {
      let v = value;
      if (v !== null && Buffer.byteLength(v) > fsconfigValueLimit) {
        const dirFd = fs.openSync(v, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
        held.push(dirFd);
        v = `/proc/self/fd/${dirFd}`;
      }
      const rc = v === null ? c.fsconfig(fd, fsconfigSetFlag, key, null, 0) : c.fsconfig(fd, fsconfigSetString, key, v, 0);
      if (rc < 0) throw new ErrnoError('fsconfig', lastErrno(), `${key}=${value ?? ''}${kernelLog(fd)}`, target);
    };
    for (const option of data) {
      const eq = option.indexOf('=');
      const key = eq < 0 ? option : option.slice(0, eq);
      const value = eq < 0 ? null : option.slice(eq + 1);
      if (key === 'lowerdir' && value !== null) for (const dir of splitLowerdirs(value)) config('lowerdir+', dir);
      else config(key, value);
    }
    if (c.fsconfig(fd, fsconfigCmdCreate, null, null, 0) < 0) throw new ErrnoError('fsconfig', lastErrno(), `create${kernelLog(fd)}`, target);
    const mfd = c.fsmount(fd, 1, mountAttributes(flags));
    if (mfd < 0) throw new ErrnoError('fsmount', lastErrno(), 'overlay', target);
    try {
      if (c.moveMount(mfd, '', atFdCwd, target, moveMountFEmptyPath) < 0) throw new ErrnoError('move_mount', lastErrno(), 'overlay', target);
    } finally {
      c.close(mfd);
    }
  } finally {
    c.close(fd);
    for (const h of held) fs.closeSync(h);
  }
}

/**
 * Mounts an overlay with mount(2), replacing every lower directory by
 * `/proc/self/fd/N` of a descriptor held open for the call (about 18 bytes a
 * layer, so roughly 220 layers fit in a page). Works on any kernel with
 * overlayfs; throws ResourceExhaustedError when even that does not fit.
 */
export function mountOverlayWithFdPaths(target: string, flags: number, data: readonly string[]): void {
  const held: number[] = [];
  try {
    const rewritten = data.map((option) => {
      if (!option.startsWith('lowerdir=')) return option;
      const dirs = splitLowerdirs(option.slice('lowerdir='.length)).map((dir) => {
        const fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
        held.push(fd);
        return escapeLowerdir(`/proc/self/fd/${fd}`);
      });
      return `lowerdir=${dirs.join(':')}`;
    });
    const joined = rewritten.join(',');
    if (Buffer.byteLength(joined) > mountDataLimit) {
      throw new ResourceExhaustedError(
        `overlay options for ${JSON.stringify(target)} are ${Buffer.byteLength(joined)} bytes even with /proc/self/fd paths; mount(2) takes at most ${mountDataLimit}`,
      );
    }
    if (libc().mount('overlay', target, 'overlay', flags, joined) < 0) throw new ErrnoError('mount', lastErrno(), 'overlay via /proc/self/fd paths', target);
  } finally {
    for (const h of held) fs.closeSync(h);
  }
}

/** MS_* flags → MOUNT_ATTR_* for fsmount(2); flags it cannot express are dropped (relatime is the default). */
function mountAttributes(flags: number): number {
  let attr = 0;
  if (flags & MountFlag.rdonly) attr |= 0x1;
  if (flags & MountFlag.nosuid) attr |= 0x2;
  if (flags & MountFlag.nodev) attr |= 0x4;
  if (flags & MountFlag.noexec) attr |= 0x8;
  if (flags & MountFlag.noatime) attr |= 0x10;
  else if (flags & MountFlag.strictatime) attr |= 0x20;
  if (flags & MountFlag.nodiratime) attr |= 0x80;
  return attr;
}

/** The kernel's own messages queued on an fs context (`e overlayfs: …`), for error details. */
function kernelLog(fd: number): string {
  const lines: string[] = [];
  const buf = Buffer.alloc(1024);
  for (let i = 0; i < 8; i++) {
    let n: number;
    try {
      n = fs.readSync(fd, buf, 0, buf.length, null);
    } catch {
      break;
    }
    if (n <= 0) break;
    lines.push(buf.subarray(0, n).toString('utf8'));
  }
  return lines.length === 0 ? '' : `; kernel: ${lines.join('; ')}`;
}
