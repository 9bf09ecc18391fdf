/** @packageDocumentation The only FFI: mounts, mknod, xattrs and other syscalls Node lacks. */
export {};
