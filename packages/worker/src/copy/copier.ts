import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { FailedPreconditionError, NotFoundError } from '@kiln/errors';
import { createWalkFilter, type WalkFilter } from '@kiln/patterns';
import { copyFileBytes, FileType, llistxattr, lgetxattr, lsetxattr, mknod, splitDevice } from '@kiln/sys';
import type { ModeChange } from './chmod.js';
import type { Ids } from './owner.js';
import { displayPath } from './root-path.js';

/** How one {@link Copier} treats what it copies (fsutil's CopyInfo). */
export interface CopierOptions {
  /** The destination tree's root; every path written is inside it. */
  readonly destRoot: string;
  /** `--chown`: owner of everything copied and of parents created; default the source's owner. */
  readonly owner?: Ids | undefined;
  /** `--chmod`; default the source's mode. */
  readonly mode?: ModeChange | undefined;
  /** mtime and atime of everything copied and created, in seconds since the epoch; default the source's. */
  readonly timestamp?: number | undefined;
  readonly includePatterns?: readonly string[] | undefined;
  readonly excludePatterns?: readonly string[] | undefined;
  /** Replace a destination entry of another type (a dir by a file, a file by a dir) instead of failing. */
  readonly alwaysReplaceExistingDestPaths?: boolean | undefined;
  /**
   * Hard-link a regular file instead of copying it when the copy would get
   * the source's owner, mode, times and xattrs anyway. Only for a source tree
   * that is never written again (an immutable snapshot's directory) and a
   * destination on the same mount: both names then share one inode forever.
   * Falls back to copying where the filesystem refuses the link.
   */
  readonly linkFiles?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
}

const smallFile = 1 << 20;

interface Entry {
  readonly src: string;
  readonly target: string;
  readonly stat: fs.Stats;
}

/**
 * Copies trees the way fsutil's copier does (BuildKit's COPY/ADD backend):
 * symlinks are copied as symlinks, hard links between copied files stay hard
 * links (within one copier), devices and FIFOs are re-created, mode, owner,
 * times and xattrs come from the source unless `owner`, `mode` or `timestamp`
 * say otherwise, and include/exclude patterns filter the walk (directories
 * that do not match are created only when something below them is copied).
 * A directory that existed at the top of a copy keeps its metadata.
 *
 * Paths given to its methods are host paths already resolved inside their
 * roots; the copier never follows a symlink below them.
 */
export class Copier {
  readonly #options: CopierOptions;
  readonly #inodes = new Map<string, string>();
  #visited = 0;
  #linking: boolean;
  /** Directories this copy() call created: nothing can exist in them yet but what it wrote, once per name. */
  readonly #fresh = new Set<string>();

  constructor(options: CopierOptions) {
    this.#options = options;
    this.#linking = options.linkFiles === true && options.mode === undefined && options.timestamp === undefined;
  }

  /**
   * Creates `dir` and its missing parents (mode 0755, the copier's owner and
   * timestamp), every component inside the destination root: `dir` must be a
   * path returned by `resolveInRoot`.
   *
   * @throws FailedPreconditionError when a component exists and is not a directory.
   */
  async mkdirAll(dir: string): Promise<void> {
    const root = this.#options.destRoot;
    const rel = path.relative(root, dir);
    if (rel === '') return;
    let current = root;
    for (const part of rel.split(path.sep)) {
      current = path.join(current, part);
      const st = lstatOrUndefined(current);
      if (st !== undefined) {
        if (!st.isDirectory()) throw new FailedPreconditionError(`cannot create directory ${displayPath(root, dir)}: ${displayPath(root, current)} is not a directory`);
        continue;
      }
      await fsp.mkdir(current, 0o755);
      await fsp.chmod(current, 0o755); // the umask must not narrow it
      if (this.#options.owner !== undefined) await fsp.lchown(current, this.#options.owner.uid, this.#options.owner.gid);
      if (this.#options.timestamp !== undefined) await fsp.lutimes(current, this.#options.timestamp, this.#options.timestamp);
    }
  }

  /**
   * Copies the source entry `src` (a host path; may be a directory, a file, a
   * symlink, a device) to `target` (a host path in the destination root,
   * whose parent exists). `overwriteTargetMetadata` false keeps the metadata
   * of an existing directory at `target`; `emptyTarget` says `target` is a
   * directory known to be empty (just made), so nothing in it is looked up.
   */
  async copy(src: string, target: string, overwriteTargetMetadata: boolean, emptyTarget = false): Promise<void> {
    const stat = fs.lstatSync(src);
    this.#fresh.clear();
    if (emptyTarget) this.#fresh.add(target);
    const filter = this.#options.includePatterns?.length || this.#options.excludePatterns?.length
      ? createWalkFilter<Entry>({ includePatterns: this.#options.includePatterns, excludePatterns: this.#options.excludePatterns })
      : undefined;
    await this.#copyIncluded({ src, target, stat }, overwriteTargetMetadata, '', filter);
  }

  async #copyIncluded(e: Entry, overwriteTargetMetadata: boolean, rel: string, filter: WalkFilter<Entry> | undefined): Promise<void> {
    this.#options.signal?.throwIfAborted();
    await this.#removeTargetIfNeeded(e);
    if (e.stat.isDirectory()) {
      const created = await this.#makeDir(e);
      await this.#copyChildren(e, rel, filter);
      if (created || (overwriteTargetMetadata && filter?.include === undefined)) this.#copyInfo(e);
      return;
    }
    if (await this.#writeNonDir(e)) this.#copyInfo(e);
  }

  async #copyChildren(dir: Entry, rel: string, filter: WalkFilter<Entry> | undefined): Promise<void> {
    const names = fs.readdirSync(dir.src).sort(compareGo);
    for (const name of names) {
      this.#options.signal?.throwIfAborted();
      // Let logs and progress of other steps through on big trees.
      if (++this.#visited % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
      const child: Entry = { src: path.join(dir.src, name), target: path.join(dir.target, name), stat: fs.lstatSync(path.join(dir.src, name)) };
      const childRel = rel === '' ? name : `${rel}/${name}`;
      if (filter === undefined) {
        await this.#copyIncluded(child, true, childRel, undefined);
        continue;
      }
      await this.#visitFiltered(child, childRel, filter);
    }
  }

  /** One entry of a filtered walk: WalkFilter decides; held-back parent dirs are created when a descendant passes. */
  async #visitFiltered(e: Entry, rel: string, filter: WalkFilter<Entry>): Promise<void> {
    const isDir = e.stat.isDirectory();
    const pending: Entry[] = [];
    const action = filter.visit(rel, isDir, e, (_p, entry) => {
      pending.push(entry);
    });
    // emit is synchronous; do the file work for whatever it passed, parents first.
    const self = pending.length > 0 && pending[pending.length - 1] === e;
    for (const entry of pending) {
      if (entry === e) break;
      await this.#removeTargetIfNeeded(entry);
      if (await this.#makeDir(entry)) this.#heldCreated.add(entry.target);
    }
    if (!isDir) {
      if (self) {
        await this.#removeTargetIfNeeded(e);
        if (await this.#writeNonDir(e)) this.#copyInfo(e);
      }
      return;
    }
    if (action === 'skip-dir') return;
    let created = false;
    if (self) {
      await this.#removeTargetIfNeeded(e);
      created = await this.#makeDir(e);
    }
    await this.#copyChildren(e, rel, filter);
    const emittedLate = this.#heldCreated.delete(e.target);
    if (created || emittedLate || (self && filter.include === undefined)) this.#copyInfo(e);
  }

  readonly #heldCreated = new Set<string>();

  /** What is at `e`'s target now; no lookup in a directory this copy created. */
  #existing(e: Entry): fs.Stats | undefined {
    return this.#fresh.has(path.dirname(e.target)) ? undefined : lstatOrUndefined(e.target);
  }

  async #removeTargetIfNeeded(e: Entry): Promise<void> {
    if (!this.#options.alwaysReplaceExistingDestPaths) return;
    const st = this.#existing(e);
    if (st === undefined || (st.isDirectory() && e.stat.isDirectory())) return;
    await fsp.rm(e.target, { recursive: true, force: true });
  }

  /** Creates the directory for `e`; true when it was created, false when a directory was there. */
  async #makeDir(e: Entry): Promise<boolean> {
    const st = this.#existing(e);
    if (st !== undefined) {
      if (!st.isDirectory()) throw new FailedPreconditionError(`cannot copy directory to non-directory: ${displayPath(this.#options.destRoot, e.target)} exists and is not a directory`);
      return false;
    }
    fs.mkdirSync(e.target, e.stat.mode & 0o777);
    this.#fresh.add(e.target);
    return true;
  }

  /** Writes `e`'s target; true when its metadata still has to be set (false: it is a link to an inode that has it). */
  async #writeNonDir(e: Entry): Promise<boolean> {
    const st = this.#existing(e);
    if (st !== undefined) {
      if (st.isDirectory()) throw new FailedPreconditionError(`cannot replace directory ${displayPath(this.#options.destRoot, e.target)} with a file`);
      fs.unlinkSync(e.target);
    }
    const s = e.stat;
    if (s.isFile()) {
      const key = `${s.dev}:${s.ino}`;
      const first = s.nlink > 1 ? this.#inodes.get(key) : undefined;
      if (first !== undefined) {
        fs.linkSync(first, e.target);
        return false;
      }
      if (this.#linkable(s) && this.#tryLink(e.src, e.target)) {
        if (s.nlink > 1) this.#inodes.set(key, e.target);
        return false;
      }
      // Small files synchronously (the common case in contexts), big ones off the event loop.
      if (s.size < smallFile) copyFileBytes(e.src, e.target);
      else await fsp.copyFile(e.src, e.target, fs.constants.COPYFILE_FICLONE);
      if (s.nlink > 1) this.#inodes.set(key, e.target);
    } else if (s.isSymbolicLink()) {
      fs.symlinkSync(fs.readlinkSync(e.src), e.target);
    } else if (s.isSocket()) {
      // A socket cannot carry data into an image: BuildKit's context sync also turns it into an empty file.
      await fsp.writeFile(e.target, '');
    } else if (s.isCharacterDevice() || s.isBlockDevice() || s.isFIFO()) {
      const type = s.isCharacterDevice() ? FileType.characterDevice : s.isBlockDevice() ? FileType.blockDevice : FileType.fifo;
      const { major, minor } = splitDevice(s.rdev);
      mknod(e.target, type | (s.mode & 0o7777), major, minor);
    } else {
      throw new NotFoundError(`cannot copy ${e.src}: unsupported file type (mode ${s.mode.toString(8)})`);
    }
    return true;
  }

  /** The copy of `s` would carry exactly its metadata (see `linkFiles`). */
  #linkable(s: fs.Stats): boolean {
    const owner = this.#options.owner;
    return this.#linking && (owner === undefined || (owner.uid === s.uid && owner.gid === s.gid));
  }

  #tryLink(src: string, target: string): boolean {
    try {
      fs.linkSync(src, target);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Another mount or a filesystem without links: no later file will link either.
      if (code === 'EXDEV' || code === 'EPERM' || code === 'EOPNOTSUPP') this.#linking = false;
      else if (code !== 'EMLINK') throw error;
      return false;
    }
  }

  /**
   * Owner, mode, xattrs, then times. Synchronous on purpose: these are single
   * cheap syscalls, and the promise round trip per call costs more than the
   * call itself on trees of many small files (see deps.md's tar numbers).
   */
  #copyInfo(e: Entry): void {
    const s = e.stat;
    const owner = this.#options.owner ?? { uid: s.uid, gid: s.gid };
    fs.lchownSync(e.target, owner.uid, owner.gid);
    if (!s.isSymbolicLink()) {
      const mode = this.#options.mode === undefined ? s.mode & 0o7777 : this.#options.mode(s.mode & 0o7777, s.isDirectory());
      fs.chmodSync(e.target, mode);
    }
    copyXattrs(e.src, e.target);
    if (this.#options.timestamp !== undefined) fs.lutimesSync(e.target, this.#options.timestamp, this.#options.timestamp);
    else fs.lutimesSync(e.target, s.atime, s.mtime);
  }
}

/** Copies every extended attribute; like fsutil's default handler, failures (a filesystem without xattrs) are ignored. */
function copyXattrs(src: string, target: string): void {
  let names: string[];
  try {
    names = llistxattr(src);
  } catch {
    return;
  }
  for (const name of names) {
    try {
      const value = lgetxattr(src, name);
      if (value !== undefined) lsetxattr(target, name, value);
    } catch {
      // best effort, as BuildKit
    }
  }
}

export function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** Go's byte order of names (fsutil walks siblings sorted). */
export function compareGo(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
