/**
 * @packageDocumentation
 * The only FFI in kiln (through koffi): mount(2)/umount2 driven by the plain
 * {@link Mount} data type, mknod, l*xattr, and errno mapped to kiln error codes.
 * Every call here is synchronous: a syscall or a handful of them.
 */
export { type Mount, type ParsedMountOptions, MountFlag, parseMountOptions, isBindMount, splitLowerdirs, escapeLowerdir } from './mount-types.js';
export { mount, mountAll, type MountOptions } from './mount.js';
export { mountDataLimit, mountOverlayWithFsconfig, mountOverlayWithFdPaths, type LongOverlayStrategy } from './long-overlay.js';
export { unmount, unmountAll, unmountRecursive, UnmountFlag } from './unmount.js';
export { type MountInfo, parseMountInfo, readMountInfo } from './mountinfo.js';
export { mknod, makedev, splitDevice, FileType } from './mknod.js';
export { lgetxattr, lsetxattr, llistxattr, lremovexattr, type XattrSetMode } from './xattr.js';
export { ErrnoError, isErrno, errnoName, errorCodeOfErrno } from './errno-error.js';
export { copyFileBytes } from './copy-file.js';
