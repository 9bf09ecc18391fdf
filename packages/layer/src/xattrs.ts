import { isErrno, lgetxattr, llistxattr } from '@kiln/sys';

/**
 * Whether an xattr belongs in a layer. Overlay's own bookkeeping
 * (`trusted.overlay.*`, `user.overlay.*`) is how the snapshot stores
 * whiteouts, not file content, and an applied layer must never be able to set
 * it (a forged `overlay.redirect` would reach outside the snapshot).
 * `security.selinux` labels belong to the host that ran the build.
 */
export function isLayerXattr(name: string): boolean {
  return !name.startsWith('trusted.overlay.') && !name.startsWith('user.overlay.') && name !== 'security.selinux';
}

/**
 * The layer-worthy extended attributes of `path` itself (no symlink
 * following), sorted by name, values byte-exact. A file system without xattr
 * support (ENOTSUP) has none.
 */
export function readLayerXattrs(path: string): Map<string, Buffer> {
  let names: string[];
  try {
    names = llistxattr(path);
  } catch (error) {
    if (isErrno(error, 'ENOTSUP') || isErrno(error, 'EOPNOTSUPP')) return new Map();
    throw error;
  }
  const xattrs = new Map<string, Buffer>();
  for (const name of names.filter(isLayerXattr).sort()) {
    const value = lgetxattr(path, name);
    if (value !== undefined) xattrs.set(name, value);
  }
  return xattrs;
}

/** True when overlayfs marks the directory opaque (`trusted.overlay.opaque` or, with `userxattr`, `user.overlay.opaque`, = `y`). */
export function isOverlayOpaque(path: string): boolean {
  for (const name of ['trusted.overlay.opaque', 'user.overlay.opaque']) {
    const value = lgetxattr(path, name);
    if (value !== undefined && value.toString('latin1') === 'y') return true;
  }
  return false;
}
