import fs from 'node:fs';
import { ErrnoError } from './errno-error.js';
import { lastErrno, libc } from './libc.js';
import { readMountInfo } from './mountinfo.js';

/** umount2(2) flags. */
export const UnmountFlag = {
  /** MNT_FORCE: abort pending requests (network filesystems). */
  force: 1,
  /** MNT_DETACH: lazy unmount; detach now, clean up when no longer busy. */
  detach: 2,
  /** MNT_EXPIRE: mark for expiry. */
  expire: 4,
  /** UMOUNT_NOFOLLOW: do not follow a symlink target. */
  noFollow: 8,
} as const;

/**
 * Unmounts the top mount on `target` with umount2(2) `flags` (see {@link UnmountFlag}).
 * Throws {@link ErrnoError}: EINVAL (InvalidArgument) when nothing is mounted
 * there, EBUSY (FailedPrecondition) when it is in use, ENOENT when it is gone.
 */
export function unmount(target: string, flags = 0): void {
  if (libc().umount2(target, flags) < 0) throw new ErrnoError('umount2', lastErrno(), '', target);
}

/**
 * Unmounts every mount stacked on `target` itself (not those below it; see
 * {@link unmountRecursive}) until nothing is mounted there. A missing or
 * unmounted target is fine. Returns how many mounts were removed. Throws
 * {@link ErrnoError} for other failures, such as EBUSY.
 */
export function unmountAll(target: string, flags = 0): number {
  let count = 0;
  for (;;) {
    if (libc().umount2(target, flags) === 0) {
      count++;
      continue;
    }
    const errno = lastErrno();
    const error = new ErrnoError('umount2', errno, '', target);
    if (error.errnoName === 'EINVAL' || error.errnoName === 'ENOENT') return count;
    throw error;
  }
}

/**
 * Unmounts `target` and every mount below it, deepest first, as listed in
 * /proc/self/mountinfo (so the path is resolved with realpath first). Returns
 * how many mounts were removed; a path with nothing mounted returns 0.
 */
export function unmountRecursive(target: string, flags = 0): number {
  let root: string;
  try {
    root = fs.realpathSync(target);
  } catch {
    return 0;
  }
  const under = readMountInfo()
    .map((m) => m.mountPoint)
    .filter((p) => p === root || p.startsWith(root === '/' ? '/' : `${root}/`));
  const unique = [...new Set(under)].sort((a, b) => b.length - a.length);
  let count = 0;
  for (const p of unique) count += unmountAll(p, flags);
  return count;
}
