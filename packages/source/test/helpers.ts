// A throwaway kiln root with a cache manager for source tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openContentRoot, type ContentRoot } from '@kiln/content';
import { openSnapshotter } from '@kiln/snapshot';
import { openCacheManager, type KilnCacheManager } from '@kiln/cache';
import { mountAll, unmountRecursive, type Mount } from '@kiln/sys';

export interface TestRoot {
  readonly root: string;
  readonly contentRoot: ContentRoot;
  readonly cache: KilnCacheManager;
  close(): Promise<void>;
}

export async function openTestRoot(): Promise<TestRoot> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-source-test-'));
  const contentRoot = await openContentRoot(root);
  const { snapshotter } = await openSnapshotter({ root, db: contentRoot.db });
  const cache = openCacheManager({ root, contentRoot, snapshotter });
  return {
    root,
    contentRoot,
    cache,
    async close() {
      contentRoot.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

export function tempDir(t: { teardown(fn: () => void): void }, prefix = 'kiln-source-ctx-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every path of the tree at `mounts` (relative, sorted), with `@target` for symlinks. */
export async function listTree(mounts: readonly Mount[]): Promise<string[]> {
  const walk = (dir: string): string[] =>
    (fs.readdirSync(dir, { recursive: true }) as string[]).sort().map((p) => {
      const st = fs.lstatSync(path.join(dir, p));
      return st.isSymbolicLink() ? `${p}@${fs.readlinkSync(path.join(dir, p))}` : p;
    });
  const only = mounts[0]!;
  if (mounts.length === 1 && only.type === 'bind') return walk(only.source);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-source-mnt-'));
  try {
    mountAll(mounts, dir);
    try {
      return walk(dir);
    } finally {
      unmountRecursive(dir);
    }
  } finally {
    fs.rmdirSync(dir);
  }
}
