// Opens a throwaway kiln root with a cache manager, and mounts trees for tests that write into refs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openContentRoot, type ContentRoot } from '@kiln/content';
import { openSnapshotter, type Mount, type Snapshotter } from '@kiln/snapshot';
import { mountAll, unmountRecursive } from '@kiln/sys';
import { openCacheManager, type KilnCacheManager } from '@kiln/cache';

export interface TestRoot {
  readonly root: string;
  readonly contentRoot: ContentRoot;
  readonly snapshotter: Snapshotter;
  readonly cache: KilnCacheManager;
  close(): Promise<void>;
}

export async function openTestRoot(root = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-cache-test-')), ownsRoot = true): Promise<TestRoot> {
  const contentRoot = await openContentRoot(root);
  const { snapshotter } = await openSnapshotter({ root, db: contentRoot.db });
  const cache = openCacheManager({ root, contentRoot, snapshotter });
  return {
    root,
    contentRoot,
    snapshotter,
    cache,
    async close() {
      cache.close();
      contentRoot.close();
      if (ownsRoot) fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Calls `use` with a directory showing `mounts` (a bind source in place, else a temporary mount). */
export async function withTree<T>(mounts: readonly Mount[], use: (dir: string) => T | Promise<T>): Promise<T> {
  const only = mounts[0]!;
  if (mounts.length === 1 && only.type === 'bind') return use(only.source);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-cache-test-mnt-'));
  try {
    mountAll(mounts, dir);
    try {
      return await use(dir);
    } finally {
      unmountRecursive(dir);
    }
  } finally {
    fs.rmdirSync(dir);
  }
}

/** Writes `files` (path → content, or `{ link }` for a symlink) into a new committed ref on `parent`. */
export async function makeRef(
  cache: KilnCacheManager,
  files: Record<string, string | { link: string } | { dir: true }>,
  parent?: Awaited<ReturnType<KilnCacheManager['get']>>,
  tweak?: (dir: string) => void,
) {
  const m = await cache.newMutable(parent);
  await withTree(m.mounts, (dir) => {
    for (const [name, body] of Object.entries(files)) {
      const p = path.join(dir, name);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.rmSync(p, { force: true, recursive: true });
      if (typeof body === 'string') fs.writeFileSync(p, body);
      else if ('link' in body) fs.symlinkSync(body.link, p);
      else fs.mkdirSync(p);
    }
    tweak?.(dir);
  });
  return m.commit();
}

export function holdCount(t: TestRoot): number {
  return (t.contentRoot.db.prepare('SELECT count(*) AS n FROM cache_holds').get() as { n: number }).n;
}

export async function snapshotNames(t: TestRoot): Promise<string[]> {
  const out: string[] = [];
  for await (const info of t.snapshotter.walk()) out.push(`${info.kind}:${info.name}`);
  return out;
}
