// Measures the local context source on the benchmark context: 20,000 files, 191 MiB.
// Run: node packages/source/bench/context-sync.bench.ts   (from the repository root; needs root for overlay)
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openContentRoot } from '@kiln/content';
import { openSnapshotter } from '@kiln/snapshot';
import { openCacheManager } from '@kiln/cache';
import { syncLocalContext } from '@kiln/source';

const files = 20_000;
const totalBytes = 191 * 1024 * 1024;
const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-bench-ctx-'));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-bench-root-'));
try {
  const per = Math.floor(totalBytes / files);
  for (let i = 0; i < files; i++) {
    const dir = path.join(ctx, `d${i % 200}`);
    if (i < 200) fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, `f${i}`), randomBytes(per));
  }
  const contentRoot = await openContentRoot(root);
  const { snapshotter, choice } = await openSnapshotter({ root, db: contentRoot.db });
  const cache = openCacheManager({ root, contentRoot, snapshotter });
  const time = async (label: string, run: () => Promise<unknown>) => {
    const before = { ...cache.stats };
    const start = performance.now();
    await run();
    const ms = performance.now() - start;
    console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms  files read ${cache.stats.filesRead - before.filesRead}, MiB read ${((cache.stats.bytesRead - before.bytesRead) / 2 ** 20).toFixed(1)}`);
  };
  console.log(`context: ${files} files, ${(totalBytes / 2 ** 20).toFixed(0)} MiB; snapshotter ${choice.driver}`);
  const sync = () => syncLocalContext({ cache, db: contentRoot.db, dir: ctx });
  let ref = (await sync()).ref;
  await ref.release();
  // The first sync above warmed the page cache too; drop what it recorded and measure a cold one.
  contentRoot.db.exec('DELETE FROM cache_fingerprints; DELETE FROM source_local');
  await time('cold sync (hash + copy everything)', async () => (ref = (await sync()).ref));
  await time('checksum of the whole context (index)', () => cache.checksum(ref, ['/']));
  await ref.release();
  await time('warm sync, nothing changed (stat only)', async () => (ref = (await sync()).ref));
  await ref.release();
  fs.writeFileSync(path.join(ctx, 'd7/f7'), 'changed');
  await time('warm sync, one file changed (link the rest)', async () => (ref = (await sync()).ref));
  await time('checksum of the whole context (new index)', () => cache.checksum(ref, ['/']));
  await ref.release();
  const walk = await cache.newMutable(undefined);
  await walk.release();
  contentRoot.close();
} finally {
  fs.rmSync(ctx, { recursive: true, force: true });
  fs.rmSync(root, { recursive: true, force: true });
}
