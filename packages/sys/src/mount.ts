import path from 'node:path';
import { isErrno, ErrnoError } from './errno-error.js';
import { lastErrno, libc } from './libc.js';
import { mountDataLimit, mountOverlayWithFdPaths, mountOverlayWithFsconfig, type LongOverlayStrategy } from './long-overlay.js';
import { isBindMount, MountFlag, parseMountOptions, type Mount } from './mount-types.js';
import { unmountAll } from './unmount.js';

/** Options of {@link mount} and {@link mountAll}. */
export interface MountOptions {
  /**
   * How to mount an overlay whose data string is longer than one page. By
   * default `fsconfig` (new mount API, no limit), falling back to `fd-paths`
   * (mount(2) with `/proc/self/fd/N` lower directories) on kernels before 6.8.
   * Short option strings always go straight to mount(2).
   */
  readonly longOverlay?: LongOverlayStrategy;
}

const bindRemountFlags = MountFlag.rdonly | MountFlag.nosuid | MountFlag.nodev | MountFlag.noexec | MountFlag.noatime | MountFlag.nodiratime | MountFlag.relatime | MountFlag.strictatime;

/**
 * Mounts one {@link Mount} on `target` (an existing directory, or file for a
 * file bind mount); `mount.target` is ignored here (see {@link mountAll}).
 * Bind mounts with `ro` (or other flags) get the remount that mount(2) needs to
 * honour them. Overlay option strings over one page are handled as
 * {@link MountOptions.longOverlay} says. Synchronous: one or a few syscalls.
 * Throws {@link ErrnoError} (EPERM without CAP_SYS_ADMIN, ENOENT for a missing
 * directory, EINVAL for bad options).
 */
export function mount(m: Mount, target: string, options: MountOptions = {}): void {
  const c = libc();
  const parsed = parseMountOptions(m.options);
  const data = parsed.data.join(',');
  if (isBindMount(m)) {
    const flags = parsed.flags | MountFlag.bind;
    if (c.mount(m.source, target, null, flags & (MountFlag.bind | MountFlag.rec), null) < 0) throw new ErrnoError('mount', lastErrno(), `bind from ${m.source}`, target);
    if ((flags & bindRemountFlags) !== 0) {
      if (c.mount(null, target, null, (flags & bindRemountFlags) | MountFlag.remount | MountFlag.bind, null) < 0) {
        const errno = lastErrno();
        unmountAll(target);
        throw new ErrnoError('mount', errno, 'remount of bind mount', target);
      }
    }
  } else if (m.type === 'overlay' && Buffer.byteLength(data) > mountDataLimit) {
    mountLongOverlay(target, parsed.flags, parsed.data, options.longOverlay);
  } else if (c.mount(m.source, target, m.type, parsed.flags, data === '' ? null : data) < 0) {
    throw new ErrnoError('mount', lastErrno(), `${m.type} from ${m.source}`, target);
  }
  if (parsed.propagation !== 0 && c.mount(null, target, null, parsed.propagation, null) < 0) {
    const errno = lastErrno();
    unmountAll(target);
    throw new ErrnoError('mount', errno, 'propagation change', target);
  }
}

function mountLongOverlay(target: string, flags: number, data: readonly string[], strategy: LongOverlayStrategy | undefined): void {
  if (strategy === 'fd-paths') return mountOverlayWithFdPaths(target, flags, data);
  try {
    mountOverlayWithFsconfig(target, flags, data);
  } catch (error) {
    if (strategy === 'fsconfig') throw error;
    // Kernels before 6.8 have no fsopen (ENOSYS) or no `lowerdir+` (EINVAL on the first one).
    const oldKernel = isErrno(error, 'ENOSYS') || (isErrno(error, 'EINVAL') && error.message.includes('lowerdir+'));
    if (!oldKernel) throw error;
    mountOverlayWithFdPaths(target, flags, data);
  }
}

/**
 * Mounts `mounts` in order on `target`, each at `path.join(target, m.target ?? '')`,
 * so later mounts stack on earlier ones (containerd's `mount.All`). When one
 * fails, those already mounted by this call are unmounted again and the error
 * is rethrown, so the caller never has to clean up after a partial failure.
 */
export function mountAll(mounts: readonly Mount[], target: string, options: MountOptions = {}): void {
  const done: string[] = [];
  try {
    for (const m of mounts) {
      const at = m.target === undefined || m.target === '' ? target : path.join(target, m.target);
      mount(m, at, options);
      done.push(at);
    }
  } catch (error) {
    for (const at of done.reverse()) {
      try {
        libc().umount2(at, 2);
      } catch {
        // Best effort: the original error is what the caller needs.
      }
    }
    throw error;
  }
}
