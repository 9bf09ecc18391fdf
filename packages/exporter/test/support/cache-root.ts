import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { openCacheManager, type ImmutableRef, type KilnCacheManager } from '@kiln/cache';
import { openContentRoot, type ContentRoot } from '@kiln/content';
import { openSnapshotter } from '@kiln/snapshot';
import { mountAll, unmountRecursive } from '@kiln/sys';
import { tempDir } from './fixture.ts';

/** A kiln root with the real cache manager over its snapshotter; closed, its refs released and removed when the test ends. */
export interface CacheRoot {
  readonly contentRoot: ContentRoot;
  readonly cache: KilnCacheManager;
  /** Releases `ref` when the test ends. */
  hold<T extends ImmutableRef>(ref: T): T;
}

export async function openCacheRoot(t: ExecutionContext): Promise<CacheRoot> {
  const dir = path.join(tempDir(t, 'kiln-exporter-root-'), 'root');
  const contentRoot = await openContentRoot(dir);
  const { snapshotter } = await openSnapshotter({ root: dir, db: contentRoot.db });
  const cache = openCacheManager({ root: dir, contentRoot, snapshotter });
  const held: ImmutableRef[] = [];
  // Registered after tempDir's removal, so it runs first (ava runs teardowns last-in first-out).
  t.teardown(async () => {
    for (const ref of held) await ref.release();
    cache.close();
    contentRoot.close();
  });
  return { contentRoot, cache, hold: (ref) => (held.push(ref), ref) };
}

/** A ref on `parent` whose tree `script` (run with `sh -e` in the mounted tree) changes, the way an exec op makes one. */
export async function refFromScript(t: ExecutionContext, root: CacheRoot, parent: ImmutableRef | undefined, script: string): Promise<ImmutableRef> {
  const mutable = await root.cache.newMutable(parent, { description: 'test layer' });
  const target = tempDir(t, 'kiln-exporter-mnt-');
  try {
    mountAll(mutable.mounts, target);
    try {
      execFileSync('sh', ['-ec', script], { cwd: target });
    } finally {
      unmountRecursive(target);
    }
  } catch (error) {
    await mutable.release();
    throw error;
  }
  fs.rmdirSync(target);
  return root.hold(await mutable.commit());
}
