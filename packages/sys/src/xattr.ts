import { ErrnoError } from './errno-error.js';
import { lastErrno, libc } from './libc.js';

/** How {@link lsetxattr} treats an existing or missing attribute. */
export type XattrSetMode = 'any' | 'create' | 'replace';

const xattrCreate = 1;
const xattrReplace = 2;
const erange = 34;
const enodata = 61;

/**
 * The value of extended attribute `name` of `path` itself (symlinks are not
 * followed), byte for byte, or `undefined` when the file has no such attribute
 * (ENODATA). Throws {@link ErrnoError} for anything else (ENOENT, ENOTSUP…).
 */
export function lgetxattr(path: string, name: string): Buffer | undefined {
  const c = libc();
  for (;;) {
    const size = c.lgetxattr(path, name, null, 0);
    if (size < 0) {
      const errno = lastErrno();
      if (errno === enodata) return undefined;
      throw new ErrnoError('lgetxattr', errno, name, path);
    }
    const buf = Buffer.alloc(size);
    if (size === 0) return buf;
    const n = c.lgetxattr(path, name, buf, size);
    if (n >= 0) return buf.subarray(0, n);
    const errno = lastErrno();
    // The value grew between the two calls: ask for the size again.
    if (errno === erange) continue;
    if (errno === enodata) return undefined;
    throw new ErrnoError('lgetxattr', errno, name, path);
  }
}

/**
 * Sets extended attribute `name` of `path` itself (not following symlinks) to
 * `value` (a string is written as UTF-8). `mode` `create` fails with EEXIST if
 * it exists, `replace` with ENODATA if it does not. Throws {@link ErrnoError}.
 */
export function lsetxattr(path: string, name: string, value: Buffer | string, mode: XattrSetMode = 'any'): void {
  const buf = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const flags = mode === 'create' ? xattrCreate : mode === 'replace' ? xattrReplace : 0;
  if (libc().lsetxattr(path, name, buf, buf.length, flags) < 0) throw new ErrnoError('lsetxattr', lastErrno(), name, path);
}

/** The names of all extended attributes of `path` itself, in the kernel's order. Throws {@link ErrnoError}. */
export function llistxattr(path: string): string[] {
  const c = libc();
  for (;;) {
    const size = c.llistxattr(path, null, 0);
    if (size < 0) throw new ErrnoError('llistxattr', lastErrno(), '', path);
    if (size === 0) return [];
    const buf = Buffer.alloc(size);
    const n = c.llistxattr(path, buf, size);
    if (n < 0) {
      const errno = lastErrno();
      if (errno === erange) continue;
      throw new ErrnoError('llistxattr', errno, '', path);
    }
    return buf.subarray(0, n).toString('utf8').split('\0').filter((s) => s !== '');
  }
}

/** Removes extended attribute `name` of `path` itself. Throws {@link ErrnoError} (ENODATA → NotFound when absent). */
export function lremovexattr(path: string, name: string): void {
  if (libc().lremovexattr(path, name) < 0) throw new ErrnoError('lremovexattr', lastErrno(), name, path);
}
