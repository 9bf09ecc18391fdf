import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import type { ExportableRef } from '@kiln/exporter';
import { parseTar } from '@kiln/layer';
import { tempDir } from './fixture.ts';

/** One entry of a tree, as the outputs must keep it. */
export interface TreeEntry {
  readonly type: 'file' | 'directory' | 'symlink' | 'char' | 'block' | 'fifo';
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Whole seconds. */
  readonly mtime: number;
  readonly size?: number;
  readonly sha256?: string;
  readonly link?: string;
  readonly device?: string;
  /** For files with several names: every name of the file, sorted. */
  readonly names?: readonly string[];
}

/** Every entry below `dir` (not `dir` itself) by relative path. */
export function walkTree(dir: string): Map<string, TreeEntry> {
  const entries = new Map<string, TreeEntry>();
  const byInode = new Map<string, string[]>();
  const visit = (rel: string): void => {
    const full = path.join(dir, rel);
    const st = fs.lstatSync(full);
    const base = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000) };
    if (st.isDirectory()) {
      if (rel !== '') entries.set(rel, { type: 'directory', ...base });
      for (const name of fs.readdirSync(full).sort()) visit(rel === '' ? name : `${rel}/${name}`);
    } else if (st.isSymbolicLink()) entries.set(rel, { type: 'symlink', ...base, link: fs.readlinkSync(full) });
    else if (st.isFile()) {
      entries.set(rel, { type: 'file', ...base, size: st.size, sha256: createHash('sha256').update(fs.readFileSync(full)).digest('hex') });
      if (st.nlink > 1) byInode.set(`${st.dev}:${st.ino}`, [...(byInode.get(`${st.dev}:${st.ino}`) ?? []), rel]);
    } else if (st.isFIFO()) entries.set(rel, { type: 'fifo', ...base });
    else if (st.isCharacterDevice() || st.isBlockDevice()) {
      entries.set(rel, { type: st.isCharacterDevice() ? 'char' : 'block', ...base, device: `${Math.floor(st.rdev / 256)}:${st.rdev % 256}` });
    }
  };
  visit('');
  for (const names of byInode.values()) for (const name of names) entries.set(name, { ...entries.get(name)!, names: [...names].sort() });
  return sorted(entries);
}

/** The entries of a tar stream in the same shape (hardlinks resolved to their target's entry). */
export async function tarTree(bytes: AsyncIterable<Uint8Array>): Promise<Map<string, TreeEntry>> {
  const entries = new Map<string, TreeEntry>();
  const links = new Map<string, string[]>();
  for await (const { header, body } of parseTar(bytes)) {
    const name = header.name.replace(/\/$/, '');
    const base = { mode: header.mode, uid: header.uid, gid: header.gid, mtime: Math.floor(header.mtime) };
    if (header.type === 'file') {
      const hash = createHash('sha256');
      for await (const chunk of body) hash.update(chunk);
      entries.set(name, { type: 'file', ...base, size: header.size, sha256: hash.digest('hex') });
    } else if (header.type === 'hardlink') {
      links.set(header.linkname!, [...(links.get(header.linkname!) ?? [header.linkname!]), name]);
    } else if (header.type === 'directory' || header.type === 'fifo') entries.set(name, { type: header.type, ...base });
    else if (header.type === 'symlink') entries.set(name, { type: 'symlink', ...base, link: header.linkname! });
    else if (header.type === 'char' || header.type === 'block') entries.set(name, { type: header.type, ...base, device: `${header.devmajor}:${header.devminor}` });
  }
  for (const [target, names] of links) {
    const entry = { ...entries.get(target)!, names: [...names].sort() };
    for (const name of names) entries.set(name, entry);
  }
  return sorted(entries);
}

/** The tree of a ref, read through a real mount of its mounts (overlay or bind); unmounted before returning. */
export async function refTree(t: ExecutionContext, ref: ExportableRef): Promise<Map<string, TreeEntry>> {
  const { mounts, release } = await ref.mount();
  const target = tempDir(t, 'kiln-exporter-view-');
  try {
    const [mount] = mounts;
    if (mounts.length !== 1 || mount === undefined) throw new Error(`expected one mount, got ${JSON.stringify(mounts)}`);
    if (mount.type === 'bind') return walkTree(mount.source);
    execFileSync('mount', ['-t', mount.type, mount.source, '-o', [...mount.options, 'ro'].join(','), target]);
    try {
      return walkTree(target);
    } finally {
      execFileSync('umount', [target]);
    }
  } finally {
    await release();
  }
}

/** The kernel mounts whose mount point contains `fragment` (for checking that nothing was left mounted). */
export function mountsContaining(fragment: string): string[] {
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((line) => line.split(' ')[4]?.includes(fragment));
}

/** The same map with keys in code-unit order, so two trees compare equal whatever order they were read in. */
function sorted(entries: Map<string, TreeEntry>): Map<string, TreeEntry> {
  return new Map([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
