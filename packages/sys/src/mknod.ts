import { ErrnoError } from './errno-error.js';
import { lastErrno, libc } from './libc.js';

/** File type bits for {@link mknod}'s `mode` (from `<sys/stat.h>`). */
export const FileType = {
  fifo: 0o010000,
  characterDevice: 0o020000,
  blockDevice: 0o060000,
  regular: 0o100000,
  socket: 0o140000,
} as const;

/** glibc's `makedev(major, minor)` as the 64-bit `dev_t` mknod(2) takes. */
export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major >>> 0);
  const mi = BigInt(minor >>> 0);
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
}

/** Splits a `dev_t` (as in `fs.Stats.rdev`) into its major and minor numbers. */
export function splitDevice(dev: number | bigint): { major: number; minor: number } {
  const d = BigInt(dev);
  return {
    major: Number(((d >> 32n) & 0xfffff000n) | ((d >> 8n) & 0xfffn)),
    minor: Number(((d >> 12n) & 0xffffff00n) | (d & 0xffn)),
  };
}

/**
 * Creates a device node, FIFO or socket at `path` with mknod(2). `mode` is the
 * file type from {@link FileType} OR'ed with permission bits (the process
 * umask applies). Example, an overlay whiteout: `mknod(p, FileType.characterDevice, 0, 0)`.
 * Throws {@link ErrnoError}: EEXIST (AlreadyExists), EPERM without CAP_MKNOD.
 */
export function mknod(path: string, mode: number, major = 0, minor = 0): void {
  if (libc().mknod(path, mode, makedev(major, minor)) < 0) throw new ErrnoError('mknod', lastErrno(), '', path);
}
