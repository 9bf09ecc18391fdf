import { InvalidArgumentError, UnsupportedError } from '@kiln/errors';
import fs from 'node:fs';
import path from 'node:path';
import { FileType, lsetxattr, mknod } from '@kiln/sys';
import type { TarEntry } from '../tar/parse-tar.js';
import type { TarHeader } from '../tar/tar-header.js';
import { isLayerXattr } from '../xattrs.js';
import { parseEntryName } from './entry-path.js';
import { inRoot, resolveDirInRoot, type TreeView } from './resolve-in-root.js';
import { copyMetadata, findInStack, lstatOrUndefined, overlayView, plainView } from './tree-views.js';

/** How {@link applyEntries} writes removals. */
export type WhiteoutStyle =
  /** `root` holds the whole tree: whiteouts delete, opaque markers empty the directory of older content. */
  | 'delete'
  /** `root` is an overlay upper directory: whiteouts become char 0/0 devices, opaque markers `trusted.overlay.opaque=y`. */
  | 'overlay';

/** Options of {@link applyEntries}. */
export interface ApplyEntriesOptions {
  readonly whiteouts: WhiteoutStyle;
  /** With `overlay`: the lower directories under `root`, top first (to follow their symlinks and copy up what links need). */
  readonly lowerdirs?: readonly string[];
  /** Set file owners from the layer (default true; needs CAP_CHOWN). */
  readonly sameOwner?: boolean;
}

/**
 * Applies tar entries to the directory `root` as the OCI image spec says:
 * an entry replaces whatever is at its path unless both are directories (then
 * only attributes change); `.wh.<name>` removes `<name>` from older layers
 * and `.wh..wh..opq` everything older below its directory, wherever it comes
 * in the layer, never what this layer itself wrote. Every path is resolved
 * inside `root` (see `resolveDirInRoot`); hardlink targets must be inside it
 * too; xattrs that steer overlayfs are never applied. Attributes are set in
 * the order that keeps them: owner, then mode (chown clears setuid), then
 * xattrs (chown clears `security.capability`), then times; directory times
 * last of all.
 *
 * @throws InvalidArgumentError for unsafe names (`..`), a hardlink to a
 *   missing file or a directory, a path through a non-directory;
 *   UnsupportedError for entry types a layer cannot hold.
 */
export async function applyEntries(entries: AsyncIterable<TarEntry>, root: string, options: ApplyEntriesOptions): Promise<void> {
  const state = new ApplyState(root, options);
  for await (const entry of entries) await state.apply(entry);
  state.finish();
}

class ApplyState {
  readonly #root: string;
  readonly #options: ApplyEntriesOptions;
  readonly #view: TreeView;
  readonly #layers: readonly string[];
  /** Real paths (relative to root) this layer wrote, and every ancestor of them. */
  readonly #written = new Set<string>();
  readonly #dirTimes: Array<[string, number]> = [];

  constructor(root: string, options: ApplyEntriesOptions) {
    this.#root = root;
    this.#options = options;
    this.#layers = [root, ...(options.lowerdirs ?? [])];
    const onMakeDir = (components: readonly string[]) => this.#markWritten(components);
    this.#view = options.whiteouts === 'overlay' ? overlayView(this.#layers, onMakeDir) : plainView(root, onMakeDir);
  }

  async apply({ header, body }: TarEntry): Promise<void> {
    const target = parseEntryName(header.name);
    if (target.kind === 'opaque') return this.#opaque(target.components);
    const name = target.components.at(-1);
    if (name === undefined) {
      if (target.kind !== 'path' || header.type !== 'directory') {
        throw new InvalidArgumentError(`layer entry ${JSON.stringify(header.name)} would replace the root with a ${header.type}`);
      }
      this.#attributes(this.#root, header);
      return;
    }
    const parent = resolveDirInRoot(this.#view, target.components.slice(0, -1), target.kind === 'path' || this.#options.whiteouts === 'overlay');
    if (parent === undefined) return; // A whiteout below a directory that is not there: nothing to remove.
    const components = [...parent, name];
    const absolute = inRoot(this.#root, components);
    const key = components.join('/');
    if (target.kind === 'whiteout') return this.#whiteout(absolute, key);

    const existing = lstatOrUndefined(absolute);
    if (header.type === 'directory' && existing?.isDirectory() === true) {
      this.#markWritten(components);
      this.#attributes(absolute, header);
      return;
    }
    if (header.type === 'hardlink') {
      const source = this.#linkSource(header);
      if (source === absolute) return this.#markWritten(components);
      if (existing !== undefined) fs.rmSync(absolute, { recursive: true });
      fs.linkSync(source, absolute);
      this.#markWritten(components);
      return;
    }
    if (existing !== undefined) fs.rmSync(absolute, { recursive: true });
    this.#markWritten(components);
    switch (header.type) {
      case 'directory':
        fs.mkdirSync(absolute, { mode: 0o700 });
        break;
      case 'file':
        await writeFile(absolute, body);
        break;
      case 'symlink':
        fs.symlinkSync(header.linkname ?? '', absolute);
        break;
      case 'char':
      case 'block':
      case 'fifo': {
        const type = header.type === 'char' ? FileType.characterDevice : header.type === 'block' ? FileType.blockDevice : FileType.fifo;
        mknod(absolute, type | 0o600, header.devmajor ?? 0, header.devminor ?? 0);
        break;
      }
      default:
        throw new UnsupportedError(`layer entry ${JSON.stringify(header.name)} has tar type flag ${JSON.stringify(header.typeflag)}, which a layer cannot hold`);
    }
    this.#attributes(absolute, header);
  }

  finish(): void {
    // Children changed their parents' times while the layer was applied; parents come first in a tar.
    for (const [absolute, mtime] of this.#dirTimes.reverse()) fs.utimesSync(absolute, mtime, mtime);
  }

  #whiteout(absolute: string, key: string): void {
    // Whiteouts remove older layers' files only (OCI image spec), never this layer's own.
    if (this.#written.has(key)) return;
    if (lstatOrUndefined(absolute) !== undefined) fs.rmSync(absolute, { recursive: true });
    if (this.#options.whiteouts === 'overlay') mknod(absolute, FileType.characterDevice, 0, 0);
  }

  #opaque(components: readonly string[]): void {
    const dir = resolveDirInRoot(this.#view, components, true)!;
    const absolute = inRoot(this.#root, dir);
    this.#markWritten(dir);
    this.#purge(absolute, dir.join('/'));
    if (this.#options.whiteouts === 'overlay') lsetxattr(absolute, 'trusted.overlay.opaque', Buffer.from('y'));
  }

  /** Removes what older layers left below `absolute`, keeping this layer's own entries. */
  #purge(absolute: string, key: string): void {
    for (const name of fs.readdirSync(absolute)) {
      const childKey = key === '' ? name : `${key}/${name}`;
      const child = path.join(absolute, name);
      if (!this.#written.has(childKey)) fs.rmSync(child, { recursive: true });
      else if (fs.lstatSync(child).isDirectory()) this.#purge(child, childKey);
    }
  }

  /** The absolute path a hardlink entry points at, inside the root, copied up from a lower layer when needed. */
  #linkSource(header: TarHeader): string {
    const target = parseEntryName(header.linkname ?? '');
    const name = target.components.at(-1);
    if (target.kind !== 'path' || name === undefined) {
      throw new InvalidArgumentError(`layer hardlink ${JSON.stringify(header.name)} points at ${JSON.stringify(header.linkname)}, which is not a file path`);
    }
    const parent = resolveDirInRoot(this.#view, target.components.slice(0, -1), false);
    const components = parent === undefined ? undefined : [...parent, name];
    const found = components === undefined ? undefined : findInStack(this.#layers, components);
    if (components === undefined || found === undefined || found.stats.isDirectory()) {
      throw new InvalidArgumentError(`layer hardlink ${JSON.stringify(header.name)} points at ${JSON.stringify(header.linkname)}, which is not a file inside the layer root`);
    }
    const absolute = inRoot(this.#root, components);
    if (found.layer > 0) {
      // Only the upper directory can hold the new link: copy the file up first, as overlayfs would.
      resolveDirInRoot(this.#view, components.slice(0, -1), true);
      if (lstatOrUndefined(absolute) !== undefined) fs.rmSync(absolute);
      if (found.stats.isFile()) fs.copyFileSync(found.absolute, absolute);
      else if (found.stats.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(found.absolute), absolute);
      else throw new UnsupportedError(`layer hardlink ${JSON.stringify(header.name)} to a special file in a lower layer`);
      copyMetadata(found.absolute, found.stats, absolute);
    }
    return absolute;
  }

  #attributes(absolute: string, header: TarHeader): void {
    if (this.#options.sameOwner !== false) fs.lchownSync(absolute, header.uid, header.gid);
    if (header.type !== 'symlink') fs.chmodSync(absolute, header.mode & 0o7777);
    for (const [name, value] of header.xattrs ?? []) if (isLayerXattr(name)) lsetxattr(absolute, name, value);
    if (header.type === 'directory') this.#dirTimes.push([absolute, header.mtime]);
    else fs.lutimesSync(absolute, header.mtime, header.mtime);
  }

  #markWritten(components: readonly string[]): void {
    for (let i = components.length; i > 0; i--) {
      const key = components.slice(0, i).join('/');
      if (this.#written.has(key)) break;
      this.#written.add(key);
    }
  }
}

/** Creates `absolute` (which must not exist, and is never followed) and writes `body` into it. */
async function writeFile(absolute: string, body: AsyncIterable<Buffer>): Promise<void> {
  const fd = fs.openSync(absolute, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
  try {
    for await (const chunk of body) {
      for (let done = 0; done < chunk.length; ) done += fs.writeSync(fd, chunk, done, chunk.length - done);
    }
  } finally {
    fs.closeSync(fd);
  }
}
