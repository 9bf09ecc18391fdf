import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { holdCount, makeRef, openTestRoot, snapshotNames, withTree } from './helpers.ts';

test('a mutable ref commits into an immutable ref whose tree shows the files', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const base = await makeRef(r.cache, { 'a.txt': 'A' });
  const child = await makeRef(r.cache, { 'b.txt': 'B' }, base);
  t.is(child.parent?.id, base.id);
  const view = await child.mount();
  await withTree(view.mounts, (dir) => {
    t.is(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8'), 'A');
    t.is(fs.readFileSync(path.join(dir, 'b.txt'), 'utf8'), 'B');
  });
  await view.release();
  t.false((await snapshotNames(r)).some((n) => n.startsWith('view:')), 'the view is removed on release');
  await child.release();
  await base.release();
  t.is(holdCount(r), 0);
});

test('release, clone and get each manage their own hold', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const ref = await makeRef(r.cache, { f: 'x' });
  t.is(holdCount(r), 1);
  const copy = ref.clone();
  const again = await r.cache.get(ref.id);
  t.is(holdCount(r), 3);
  await ref.release();
  await ref.release();
  t.is(holdCount(r), 2, 'a second release is a no-op');
  await copy.release();
  await again.release();
  t.is(holdCount(r), 0);
});

test('a released mutable ref removes its active snapshot; get of an unknown id throws NotFound', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const m = await r.cache.newMutable(undefined);
  t.true((await snapshotNames(r)).includes(`active:${m.id}`));
  await m.release();
  await m.release();
  t.deepEqual(await snapshotNames(r), []);
  t.is(holdCount(r), 0);
  await t.throwsAsync(r.cache.get('ref-nothing'), { instanceOf: Error, message: /not found/ });
  t.is(holdCount(r), 0, 'a failed get leaves no hold');
});
