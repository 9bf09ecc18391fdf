import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { chainIds } from '@kiln/cache';
import { makeRef, openTestRoot, withTree } from './helpers.ts';

test('layers() diffs each snapshot once and returns the same diff_ids every time', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const base = await makeRef(r.cache, { 'a.txt': 'A', 'd/x': 'X' });
  const child = await makeRef(r.cache, { 'b.txt': 'B', 'd/x': 'changed' }, base);
  const first = await child.layers();
  t.is(first.length, 2);
  t.is(r.cache.stats.layersDiffed, 2);
  const again = await child.layers();
  t.deepEqual(again.map((l) => l.diffId), first.map((l) => l.diffId));
  t.is(r.cache.stats.layersDiffed, 2, 'remembered, not diffed again');
  t.deepEqual((await base.layers()).map((l) => l.diffId), [first[0]!.diffId]);
  const plain = await child.layers({ compression: 'uncompressed' });
  t.deepEqual(plain.map((l) => l.diffId), first.map((l) => l.diffId), 'the diff_id does not depend on compression');
  t.is(plain[1]!.descriptor.digest, plain[1]!.diffId);
  t.true(r.contentRoot.gcRoots.get(`cache:layers:${child.id}`).length === 2, 'both blobs of the child are pinned for content GC');
  await child.release();
  await base.release();
});

test('fromLayers names snapshots by chain id, applies each missing layer once and shares chains', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const a = await makeRef(r.cache, { 'etc/os': 'base' });
  const b = await makeRef(r.cache, { 'app/main': 'v1' }, a);
  const c = await makeRef(r.cache, { 'app/main': 'v2', 'etc/os': { link: '/dev/null' } }, b);
  const layers = await c.layers();
  await Promise.all([a.release(), b.release(), c.release()]);

  const other = await openTestRoot();
  t.teardown(() => other.close());
  // Copy the blobs into the second root's content store, as a pull would.
  for (const l of layers) await other.contentRoot.content.ingest(await r.contentRoot.content.readStream(l.descriptor.digest), { digest: l.descriptor.digest });
  const ids = chainIds(layers.map((l) => l.diffId));
  const [two1, two2] = await Promise.all([other.cache.fromLayers(layers.slice(0, 2)), other.cache.fromLayers(layers.slice(0, 2))]);
  t.is(two1.id, ids[1]!);
  t.is(two2.id, ids[1]!);
  t.is(other.cache.stats.layersApplied, 2, 'concurrent builds of one chain apply it once');
  const three = await other.cache.fromLayers(layers);
  t.is(three.id, ids[2]!);
  t.is(three.parent?.id, ids[1]);
  t.is(other.cache.stats.layersApplied, 3, 'the shared prefix is reused');
  const view = await three.mount();
  await withTree(view.mounts, (dir) => {
    t.is(fs.readFileSync(path.join(dir, 'app/main'), 'utf8'), 'v2');
    t.is(fs.readlinkSync(path.join(dir, 'etc/os')), '/dev/null');
  });
  await view.release();
  const back = await three.layers();
  t.deepEqual(back.map((l) => l.descriptor), layers.map((l) => l.descriptor), 'an image ref returns the original blobs');
  t.is(other.cache.stats.layersDiffed, 0);
  await Promise.all([two1.release(), two2.release(), three.release()]);
});

test('fromLayers refuses a layer whose diff_id does not match and leaves no snapshot', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const a = await makeRef(r.cache, { f: 'x' });
  const [layer] = await a.layers();
  await a.release();
  const bad = { descriptor: layer!.descriptor, diffId: `sha256:${'0'.repeat(64)}` as const };
  await t.throwsAsync(r.cache.fromLayers([bad]), { message: /diff_id mismatch/ });
  const names: string[] = [];
  for await (const info of r.snapshotter.walk()) names.push(info.name);
  t.deepEqual(names, [a.id]);
});

test('merge stacks refs: later files win and each ref keeps its own layer', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const lower = await makeRef(r.cache, { 'x': 'lower', 'keep': 'k' });
  const upper = await makeRef(r.cache, { 'x': 'upper', 'new': 'n' });
  const merged = await r.cache.merge([lower, upper]);
  const layers = await merged.layers();
  t.deepEqual(layers.map((l) => l.diffId), [...(await lower.layers()), ...(await upper.layers())].map((l) => l.diffId));
  const view = await merged.mount();
  await withTree(view.mounts, (dir) => {
    t.is(fs.readFileSync(path.join(dir, 'x'), 'utf8'), 'upper');
    t.is(fs.readFileSync(path.join(dir, 'keep'), 'utf8'), 'k');
    t.is(fs.readFileSync(path.join(dir, 'new'), 'utf8'), 'n');
  });
  await view.release();
  await Promise.all([lower.release(), upper.release(), merged.release()]);
});
