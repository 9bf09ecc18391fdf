import test from 'ava';
import { makeRef, openTestRoot, snapshotNames } from './helpers.ts';

test('prune removes what nothing uses and keeps held, recorded and parent snapshots', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const base = await makeRef(r.cache, { f: 'base' });
  const child = await makeRef(r.cache, { g: 'child' }, base);
  const recorded = await makeRef(r.cache, { h: 'recorded' });
  const loose = await makeRef(r.cache, { i: 'loose'.repeat(10_000) });
  await r.cache.records.save('key', [recorded]);
  const layers = await loose.layers();
  await Promise.all([base.release(), recorded.release(), loose.release()]);
  const { freedBytes } = await r.cache.prune();
  t.true(freedBytes > 0);
  const names = await snapshotNames(r);
  t.true(names.includes(`committed:${child.id}`), 'held');
  t.true(names.includes(`committed:${base.id}`), 'parent of a held one');
  t.true(names.includes(`committed:${recorded.id}`), 'recorded');
  t.false(names.includes(`committed:${loose.id}`), 'unused');
  t.deepEqual(r.contentRoot.gcRoots.get(`cache:layers:${loose.id}`), [], 'its layer blob is no longer pinned');
  t.truthy(layers[0]);
  await child.release();
  await r.cache.prune();
  t.deepEqual(await snapshotNames(r), [`committed:${recorded.id}`], 'child and then its parent go');
  await r.cache.prune({ recordMaxAgeMs: -1 });
  t.deepEqual(await snapshotNames(r), [], 'records older than the limit are dropped first');
});

test('prune removes snapshots a dead process left active, and honours keepBytes', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const m = await r.cache.newMutable(undefined);
  r.contentRoot.db.prepare("UPDATE cache_holds SET owner = '4194305.1'").run();
  const a = await makeRef(r.cache, { a: 'x'.repeat(50_000) });
  const b = await makeRef(r.cache, { b: 'y'.repeat(50_000) });
  await a.release();
  await b.release();
  await r.cache.prune({ keepBytes: 1 << 30 });
  const names = await snapshotNames(r);
  t.false(names.includes(`active:${m.id}`), 'the dead process\'s active snapshot is gone');
  t.is(names.length, 2, 'within keepBytes both unused snapshots stay');
  await r.cache.prune({ keepBytes: 60_000 });
  t.deepEqual(await snapshotNames(r), [`committed:${b.id}`], 'the least recently used goes first');
});
