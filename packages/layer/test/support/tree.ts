/**
 * A comparable description of a file tree (type, mode, owner, mtime seconds,
 * device, link target, xattrs, content hash, hardlink groups), read with the
 * platform's own tools so it does not share code with what it checks.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export type TreeSnapshot = Record<string, string>;

function xattrsOf(files: string[]): string[] {
  if (files.length === 0) return [];
  const out = execFileSync('python3', ['-c', `
import os, sys
for f in sys.argv[1:]:
  try: names = sorted(n for n in os.listxattr(f, follow_symlinks=False) if not n.startswith('trusted.overlay.') and n != 'security.selinux')
  except OSError: names = []
  print(';'.join(n + '=' + os.getxattr(f, n, follow_symlinks=False).hex() for n in names))
`, ...files]).toString();
  return out.split('\n').slice(0, files.length);
}

export function snapshotTree(root: string, options: { xattrs?: boolean } = {}): TreeSnapshot {
  const out: TreeSnapshot = {};
  const inodes = new Map<number, string>();
  const withXattrs: Array<[string, string]> = [];
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const rel = path.relative(root, abs);
      const st = fs.lstatSync(abs);
      const type = st.isDirectory() ? 'd' : st.isFile() ? 'f' : st.isSymbolicLink() ? 'l' : st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : st.isFIFO() ? 'p' : 's';
      const parts = [type, (st.mode & 0o7777).toString(8), `${st.uid}:${st.gid}`];
      if (type !== 'd') parts.push(`t${Math.floor(st.mtimeMs / 1000)}`);
      if (type === 'f') {
        parts.push(`${st.size}`, createHash('sha256').update(fs.readFileSync(abs)).digest('hex').slice(0, 16));
        if (st.nlink > 1) {
          const first = inodes.get(st.ino);
          if (first === undefined) inodes.set(st.ino, rel);
          parts.push(`link:${first ?? rel}`);
        }
      }
      if (type === 'l') parts.push(`-> ${fs.readlinkSync(abs)}`);
      if (type === 'c' || type === 'b') parts.push(`dev ${st.rdev}`);
      out[rel] = parts.join(' ');
      if (options.xattrs !== false && type !== 'l') withXattrs.push([rel, abs]);
      if (type === 'd') walk(abs);
    }
  };
  walk(root);
  const values = xattrsOf(withXattrs.map(([, abs]) => abs));
  withXattrs.forEach(([rel], i) => {
    if (values[i]) out[rel] += ` x[${values[i]}]`;
  });
  return out;
}
