import koffi from 'koffi';

/**
 * The libc functions kiln calls through koffi, loaded on first use so that
 * importing `@kiln/sys` costs nothing until a syscall is made. Every function
 * returns -1 (or a negative intptr) and leaves the cause in `errno()`.
 */
export interface Libc {
  mount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null): number;
  umount2(target: string, flags: number): number;
  mknod(path: string, mode: number, dev: bigint): number;
  lsetxattr(path: string, name: string, value: Buffer, size: number, flags: number): number;
  lgetxattr(path: string, name: string, value: Buffer | null, size: number): number;
  llistxattr(path: string, list: Buffer | null, size: number): number;
  lremovexattr(path: string, name: string): number;
  fsopen(fsName: string, flags: number): number;
  fsconfig(fd: number, cmd: number, key: string | null, value: string | null, aux: number): number;
  fsmount(fd: number, flags: number, attrFlags: number): number;
  moveMount(fromDirFd: number, fromPath: string, toDirFd: number, toPath: string, flags: number): number;
  close(fd: number): number;
}

let cached: Libc | undefined;

/** The libc bindings (loaded once per process). */
export function libc(): Libc {
  if (cached !== undefined) return cached;
  const lib = koffi.load('libc.so.6');
  cached = {
    mount: lib.func('int mount(const char *src, const char *target, const char *fstype, unsigned long flags, const char *data)'),
    umount2: lib.func('int umount2(const char *target, int flags)'),
    mknod: lib.func('int mknod(const char *path, uint32_t mode, uint64_t dev)'),
    lsetxattr: lib.func('int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)'),
    lgetxattr: lib.func('intptr_t lgetxattr(const char *path, const char *name, _Out_ void *value, size_t size)'),
    llistxattr: lib.func('intptr_t llistxattr(const char *path, _Out_ char *list, size_t size)'),
    lremovexattr: lib.func('int lremovexattr(const char *path, const char *name)'),
    fsopen: lib.func('int fsopen(const char *fsname, unsigned int flags)'),
    fsconfig: lib.func('int fsconfig(int fd, unsigned int cmd, const char *key, const char *value, int aux)'),
    fsmount: lib.func('int fsmount(int fd, unsigned int flags, unsigned int attr_flags)'),
    moveMount: lib.func('int move_mount(int from_dfd, const char *from_path, int to_dfd, const char *to_path, unsigned int flags)'),
    close: lib.func('int close(int fd)'),
  };
  return cached;
}

/** errno of the last failed libc call on this thread; read it right after the call. */
export function lastErrno(): number {
  return koffi.errno();
}
