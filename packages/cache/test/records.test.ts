import test from 'ava';
import { execFileSync } from 'node:child_process';
import { repoRoot } from '../../../test/support/shared.ts';
import { holdCount, makeRef, openTestRoot } from './helpers.ts';

test('records and key parts survive closing the root and are read by another process', async (t) => {
  const first = await openTestRoot(undefined, false);
  const ref = await makeRef(first.cache, { f: 'cached' });
  await first.cache.records.save('sha256:key1', [ref]);
  await first.cache.records.recordParts('Dockerfile:0:1', { env: { A: '1' } });
  await ref.release();
  await first.close();
  const script = `
    import { openContentRoot } from '@kiln/content';
    import { openSnapshotter } from '@kiln/snapshot';
    import { openCacheManager } from '@kiln/cache';
    const contentRoot = await openContentRoot(${JSON.stringify(first.root)});
    const { snapshotter } = await openSnapshotter({ root: ${JSON.stringify(first.root)}, db: contentRoot.db });
    const cache = openCacheManager({ root: ${JSON.stringify(first.root)}, contentRoot, snapshotter });
    const refs = await cache.records.load('sha256:key1');
    const parts = await cache.records.lastParts('Dockerfile:0:1');
    const missing = await cache.records.load('sha256:other');
    console.log(JSON.stringify({ ids: refs.map((r) => r.id), parts, missing: missing === undefined }));
    for (const r of refs) await r.release();
    contentRoot.close();`;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' }));
  t.deepEqual(out, { ids: [ref.id], parts: { env: { A: '1' } }, missing: true });
  const again = await openTestRoot(first.root, true);
  t.teardown(() => again.close());
  t.is(holdCount(again), 0);
});

test('a record whose snapshot is gone loads as a miss and is dropped', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const ref = await makeRef(r.cache, { f: 'x' });
  await r.cache.records.save('k', [ref]);
  await ref.release();
  await r.snapshotter.remove(ref.id);
  t.is(await r.cache.records.load('k'), undefined);
  t.is(holdCount(r), 0);
  t.is((r.contentRoot.db.prepare('SELECT count(*) AS n FROM cache_records').get() as { n: number }).n, 0);
});
