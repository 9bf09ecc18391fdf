import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { CacheState } from '../state.js';
import { fileSha256 } from './fingerprints.js';

/** The kinds of tree entries a checksum distinguishes. */
export type TreeEntryKind = 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo' | 'socket';

/**
 * One path of a tree as checksums see it. `path` is relative to the tree's
 * root, `/`-separated, without a leading `/`; the root itself is `''`.
 * `digest` is the sha256 (hex) of the entry's canonical record: kind, mode
 * (permission and special bits), uid, gid, and then the size and content
 * sha256 of a file, the target of a symlink, or the device numbers of a
 * device. mtimes are never part of it.
 */
export interface TreeEntry {
  readonly path: string;
  readonly kind: TreeEntryKind;
  /** A symlink's target, as stored. */
  readonly target?: string | undefined;
  readonly digest: string;
}

function kindOf(st: fs.BigIntStats): TreeEntryKind {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFIFO()) return 'fifo';
  return 'socket';
}

/** Owner ids that replace the ones on disk in an entry (the tree is stored with them). */
export interface EntryOwner {
  readonly uid: number;
  readonly gid: number;
}

/**
 * The {@link TreeEntry} of `abs` (shown in the tree as `rel`), whose lstat
 * (`bigint: true`) is `st`, owned by `owner` when given (else by the ids
 * on disk). Regular files go through the fingerprint table, so an unchanged
 * file is not read.
 */
export async function treeEntry(state: CacheState, abs: string, rel: string, st: fs.BigIntStats, owner?: EntryOwner): Promise<TreeEntry> {
  const kind = kindOf(st);
  const head = `${kind} ${(Number(st.mode) & 0o7777).toString(8)} ${owner?.uid ?? st.uid} ${owner?.gid ?? st.gid}`;
  let record = head;
  let target: string | undefined;
  if (kind === 'file') record = `${head} ${st.size} ${await fileSha256(state, abs, { ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs })}`;
  else if (kind === 'symlink') {
    target = fs.readlinkSync(abs);
    record = `${head} ${JSON.stringify(target)}`;
  } else if (kind === 'char' || kind === 'block') record = `${head} ${st.rdev}`;
  return { path: rel, kind, target, digest: createHash('sha256').update(record).digest('hex') };
}

/** Byte-order comparison of UTF-16 strings as their UTF-8 bytes would compare (code point order). */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Every entry of the tree at `dir`, the root first, in depth-first
 * pre-order with siblings in byte order. Symlinks are recorded, never
 * followed; nothing outside `dir` is touched.
 */
export async function walkTree(state: CacheState, dir: string): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  const visit = async (abs: string, rel: string): Promise<void> => {
    const st = fs.lstatSync(abs, { bigint: true });
    out.push(await treeEntry(state, abs, rel, st));
    if (!st.isDirectory()) return;
    const names = fs.readdirSync(abs).sort(comparePaths);
    for (const name of names) await visit(`${abs}/${name}`, rel === '' ? name : `${rel}/${name}`);
  };
  await visit(dir, '');
  return out;
}
