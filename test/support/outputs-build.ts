/**
 * Shared by the test/outputs-*.test.ts files: a kiln environment with the
 * busybox fixture loaded as `busybox`, a small build context whose Dockerfile
 * has RUN, COPY from the context and a multi-stage COPY --from, and a walk of
 * a directory tree into comparable entries.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** What the image's CMD prints. */
export const greeting = 'HELLO FROM KILN OUTPUTS';

/** The Dockerfile of {@link writeContext}: RUN, COPY from the context, and a multi-stage COPY --from. */
export const outputsDockerfile = `FROM busybox AS build
WORKDIR /src
COPY message.txt ./
RUN tr 'a-z' 'A-Z' < message.txt > /src/GREETING && mkdir -p /src/bin && printf '#!/bin/sh\\ncat /etc/greeting\\n' > /src/bin/greet && chmod 0755 /src/bin/greet

FROM busybox
COPY --from=build /src/GREETING /etc/greeting
COPY --from=build /src/bin/greet /usr/local/bin/greet
COPY data/ /opt/data/
RUN chown -R 1001:1001 /opt/data && ln -s /etc/greeting /opt/data/link
CMD ["/usr/local/bin/greet"]
`;

/** Writes the build context into `dir` (files get the current time as mtime). */
export function writeContext(dir: string): string {
  fs.mkdirSync(path.join(dir, 'data', 'nested'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'Dockerfile'), outputsDockerfile);
  fs.writeFileSync(path.join(dir, 'message.txt'), `${greeting.toLowerCase()}\n`);
  fs.writeFileSync(path.join(dir, 'data', 'a.txt'), 'a\n');
  fs.writeFileSync(path.join(dir, 'data', 'nested', 'b.bin'), Buffer.from([0, 1, 2, 255]));
  return dir;
}

/** One entry of a tree, without its mtime: what must agree between two copies of an image's root filesystem. */
export interface TreeEntry {
  readonly type: 'file' | 'dir' | 'symlink' | 'other';
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** sha256 of a file's bytes, a symlink's target. */
  readonly content?: string;
}

/** Every entry under `root` by relative path (`etc/passwd`), sorted. */
export function walkTree(root: string): Map<string, TreeEntry> {
  const out = new Map<string, TreeEntry>();
  const visit = (dir: string, prefix: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const rel = prefix === '' ? name : `${prefix}/${name}`;
      const st = fs.lstatSync(full);
      const base = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
      if (st.isDirectory()) {
        out.set(rel, { type: 'dir', ...base });
        visit(full, rel);
      } else if (st.isSymbolicLink()) out.set(rel, { type: 'symlink', ...base, content: fs.readlinkSync(full) });
      else if (st.isFile()) out.set(rel, { type: 'file', ...base, content: createHash('sha256').update(fs.readFileSync(full)).digest('hex') });
      else out.set(rel, { type: 'other', ...base });
    }
  };
  visit(root, '');
  return out;
}

/** The plain-progress lines of a build's stderr that carry `text`. */
export function linesWith(stderr: string, text: string): string[] {
  return stderr.split('\n').filter((l) => l.includes(text));
}
