// Builds and reads small directory trees for the copier's tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FileCopy } from '@kiln/llb';

/** One entry: a file (data), a dir, or a symlink (target); mode octal string or number. */
export type TreeEntry =
  | { path: string; type: 'file'; data?: string; mode?: string | number; uid?: number; gid?: number }
  | { path: string; type: 'dir'; mode?: string | number; uid?: number; gid?: number }
  | { path: string; type: 'symlink'; target: string };

/** Writes `entries` below `root` (parents made as needed). */
export function writeTree(root: string, entries: readonly TreeEntry[]): void {
  for (const e of entries) {
    const p = path.join(root, e.path);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (e.type === 'symlink') {
      fs.symlinkSync(e.target, p);
      continue;
    }
    const mode = e.mode === undefined ? (e.type === 'dir' ? 0o755 : 0o644) : typeof e.mode === 'number' ? e.mode : Number.parseInt(e.mode, 8);
    if (e.type === 'dir') fs.mkdirSync(p, { recursive: true });
    else fs.writeFileSync(p, e.data ?? '');
    // chown first: it clears setuid and setgid bits.
    if (e.uid !== undefined || e.gid !== undefined) fs.lchownSync(p, e.uid ?? 0, e.gid ?? 0);
    fs.chmodSync(p, mode);
  }
}

/** Every entry below `root` as `path type` lines (`f`, `d`, `l:target`), sorted. */
export function listTree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = fs.lstatSync(p);
      if (st.isSymbolicLink()) out.push(`${r} l:${fs.readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.push(`${r} d`);
        walk(p, r);
      } else out.push(`${r} f`);
    }
  };
  walk(root, '');
  return out;
}

/** A fresh temporary directory pair (src, dest) under one parent, removed by `cleanup`. */
export function tempTrees(): { base: string; src: string; dest: string; cleanup(): void } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-copy-test-'));
  const src = path.join(base, 'src');
  const dest = path.join(base, 'dest');
  fs.mkdirSync(src);
  fs.mkdirSync(dest);
  return { base, src, dest, cleanup: () => fs.rmSync(base, { recursive: true, force: true }) };
}

/** A copy action with COPY's defaults (as the Dockerfile frontend emits them) and `overrides`. */
export function copyOf(src: string, dest: string, overrides: Partial<FileCopy> = {}): FileCopy {
  return {
    kind: 'copy',
    src,
    dest,
    followSymlink: true,
    dirCopyContents: true,
    attemptUnpackDockerCompatibility: false,
    createDestPath: true,
    allowWildcard: true,
    allowEmptyWildcard: true,
    alwaysReplaceExistingDestPaths: false,
    ...overrides,
  };
}
