import fs from 'node:fs';
import path from 'node:path';
import { apply } from '@kiln/layer';
import type { ExportableRef } from './exportable-ref.js';
import { writeBytesTo, type ByteSinkDeps } from './byte-sink.js';
import { treeTar } from './tree-tar.js';

/** Options of the tree outputs. */
export interface TreeOutputOptions {
  /** SOURCE_DATE_EPOCH in seconds: every file's mtime becomes it, as BuildKit's local and tar exporters do. */
  readonly sourceDateEpoch?: number;
}

/** Options of {@link writeLocalOutput}. */
export interface LocalOutputOptions extends TreeOutputOptions {
  /** `delete`: `dest` ends up holding the tree and nothing else; `copy` (default) leaves other entries. */
  readonly mode?: 'copy' | 'delete';
}

/**
 * `type=local`: copies the tree of `root` into the directory `dest` (created
 * when absent; what is there already is overwritten entry by entry, other
 * entries stay, unless `mode: 'delete'`, which empties `dest` first, so it
 * ends up as BuildKit's deleting sync leaves it). Modes, symlinks (as links), hardlinks, devices, fifos and
 * xattrs are kept; owners too when running as root (otherwise files belong to
 * the caller). `undefined` is the empty tree. Streams the tree through a tar
 * rather than a second mount, so nothing stays mounted if it fails.
 *
 * @throws InvalidArgumentError when an entry would leave `dest` (never for a
 *   tree kiln made); whatever mounting or the file system throws.
 */
export async function writeLocalOutput(root: ExportableRef | undefined, dest: string, options: LocalOutputOptions = {}): Promise<void> {
  await fs.promises.mkdir(dest, { recursive: true });
  if (options.mode === 'delete') {
    for (const entry of await fs.promises.readdir(dest)) await fs.promises.rm(path.join(dest, entry), { recursive: true, force: true });
  }
  const { mode: _mode, ...tree } = options;
  await apply(treeTar(root, tree), dest, { sameOwner: process.getuid?.() === 0 });
}

/**
 * `type=tar`: the tree of `root` as a tar file at `dest` (replaced atomically)
 * or on standard output for `-`. Entry names are relative (`etc/passwd`,
 * directories `bin/`), owners numeric.
 *
 * @throws InvalidArgumentError for `-` without `deps.stdout`; whatever mounting or writing throws.
 */
export async function writeTarOutput(root: ExportableRef | undefined, dest: string, deps: ByteSinkDeps = {}, options: TreeOutputOptions = {}): Promise<void> {
  await writeBytesTo(dest, treeTar(root, options), deps, 'type=tar');
}
