/**
 * A filesystem mount as plain data, in containerd's shape: what to pass to
 * mount(2), not a mounted thing. Snapshotters return these; whoever runs a
 * process mounts them (see {@link mountAll}).
 *
 * Example, an overlay over two committed layers:
 * `{ type: 'overlay', source: 'overlay', options: ['lowerdir=/s/2/fs:/s/1/fs', 'upperdir=/s/3/fs', 'workdir=/s/3/work'] }`.
 */
export interface Mount {
  /** Filesystem type for mount(2) (`overlay`, `tmpfs`, `proc`), or `bind` for a bind mount. */
  readonly type: string;
  /** The source: a directory for `bind`, a device or a free label (`overlay`) otherwise. */
  readonly source: string;
  /**
   * Where to mount, relative to the target given to {@link mountAll}; absent or
   * empty means the target itself.
   */
  readonly target?: string;
  /**
   * fstab-style options. Flag words (`ro`, `rw`, `bind`, `rbind`, `nosuid`,
   * `nodev`, `noexec`, `noatime`, `relatime`, …) and propagation words
   * (`private`, `rslave`, …) become mount flags; everything else (`lowerdir=…`,
   * `size=64m`) is joined with commas into the filesystem's data string.
   */
  readonly options: readonly string[];
}

/** Linux MS_* mount flags (include/uapi/linux/mount.h). */
export const MountFlag = {
  rdonly: 0x1,
  nosuid: 0x2,
  nodev: 0x4,
  noexec: 0x8,
  synchronous: 0x10,
  remount: 0x20,
  mandlock: 0x40,
  dirsync: 0x80,
  noatime: 0x400,
  nodiratime: 0x800,
  bind: 0x1000,
  rec: 0x4000,
  unbindable: 0x20000,
  private: 0x40000,
  slave: 0x80000,
  shared: 0x100000,
  relatime: 0x200000,
  strictatime: 0x1000000,
} as const;

/** `[clear, flag]`: `clear` true means the word removes the flag (as `rw` removes `rdonly`). */
const flagWords: Readonly<Record<string, readonly [boolean, number]>> = {
  async: [true, MountFlag.synchronous],
  atime: [true, MountFlag.noatime],
  bind: [false, MountFlag.bind],
  defaults: [false, 0],
  dev: [true, MountFlag.nodev],
  diratime: [true, MountFlag.nodiratime],
  dirsync: [false, MountFlag.dirsync],
  exec: [true, MountFlag.noexec],
  mand: [false, MountFlag.mandlock],
  noatime: [false, MountFlag.noatime],
  nodev: [false, MountFlag.nodev],
  nodiratime: [false, MountFlag.nodiratime],
  noexec: [false, MountFlag.noexec],
  nomand: [true, MountFlag.mandlock],
  norelatime: [true, MountFlag.relatime],
  nostrictatime: [true, MountFlag.strictatime],
  nosuid: [false, MountFlag.nosuid],
  rbind: [false, MountFlag.bind | MountFlag.rec],
  relatime: [false, MountFlag.relatime],
  remount: [false, MountFlag.remount],
  ro: [false, MountFlag.rdonly],
  rw: [true, MountFlag.rdonly],
  strictatime: [false, MountFlag.strictatime],
  suid: [true, MountFlag.nosuid],
  sync: [false, MountFlag.synchronous],
};

const propagationWords: Readonly<Record<string, number>> = {
  private: MountFlag.private,
  rprivate: MountFlag.private | MountFlag.rec,
  shared: MountFlag.shared,
  rshared: MountFlag.shared | MountFlag.rec,
  slave: MountFlag.slave,
  rslave: MountFlag.slave | MountFlag.rec,
  unbindable: MountFlag.unbindable,
  runbindable: MountFlag.unbindable | MountFlag.rec,
};

/** Mount options split the way mount(2) needs them. */
export interface ParsedMountOptions {
  /** MS_* flags for the main mount(2) call. */
  readonly flags: number;
  /** MS_* propagation flags, applied by a separate mount(2) call after mounting; 0 for none. */
  readonly propagation: number;
  /** The filesystem-specific options, in their original order (joined with commas for mount(2)). */
  readonly data: readonly string[];
}

/** Splits fstab-style options into flags, propagation and data (pure; containerd's table). */
export function parseMountOptions(options: readonly string[]): ParsedMountOptions {
  let flags = 0;
  let propagation = 0;
  const data: string[] = [];
  for (const option of options) {
    const word = flagWords[option];
    const prop = propagationWords[option];
    if (word !== undefined) flags = word[0] ? flags & ~word[1] : flags | word[1];
    else if (prop !== undefined) propagation |= prop;
    else data.push(option);
  }
  return { flags, propagation, data };
}

/** True when a mount is a bind mount (`type: 'bind'` or a `bind`/`rbind` option). */
export function isBindMount(mount: Mount): boolean {
  return mount.type === 'bind' || mount.options.includes('bind') || mount.options.includes('rbind');
}

/**
 * Splits an overlay `lowerdir=` value on its unescaped colons and removes the
 * backslash escapes (`\:`, `\\`), giving the directories top (newest) first.
 */
export function splitLowerdirs(value: string): string[] {
  const dirs: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && i + 1 < value.length) current += value[++i];
    else if (c === ':') {
      dirs.push(current);
      current = '';
    } else current += c;
  }
  dirs.push(current);
  return dirs;
}

/** Escapes a directory for an overlay `lowerdir=` list (backslash before `:` and `\`). */
export function escapeLowerdir(dir: string): string {
  return dir.replace(/[\\:]/g, (c) => `\\${c}`);
}
