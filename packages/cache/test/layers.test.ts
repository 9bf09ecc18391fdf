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

test('layers() says where each layer came from, when its snapshot was made and by what', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const before = Date.now();
  const built = await makeRef(r.cache, { 'app/main': 'v1' });
  const [record] = await built.layers();
  t.is(record!.origin, 'diff');
  t.true(record!.createdAt !== undefined && record!.createdAt >= before && record!.createdAt <= Date.now());
  const other = await openTestRoot();
  t.teardown(() => other.close());
  await other.contentRoot.content.ingest(await r.contentRoot.content.readStream(record!.descriptor.digest), { digest: record!.descriptor.digest });
  const applied = await other.cache.fromLayers([{ descriptor: record!.descriptor, diffId: record!.diffId }]);
  const [image] = await applied.layers({ compression: 'zstd', sourceDateEpoch: 0 });
  t.is(image!.origin, 'image', 'an applied image layer is reported as such');
  t.deepEqual(image!.descriptor, record!.descriptor, 'and its blob is kept whatever is asked');
  t.is(image!.description, `layer ${record!.diffId}`);
  await Promise.all([built.release(), applied.release()]);
});

test('a compression level is part of the remembered variant: another level diffs again, the same one does not', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const ref = await makeRef(r.cache, { 'big.txt': 'abcdefgh'.repeat(4096) });
  const fast = await ref.layers({ compressionLevel: 1 });
  const best = await ref.layers({ compressionLevel: 9 });
  t.is(r.cache.stats.layersDiffed, 2);
  t.is(fast[0]!.diffId, best[0]!.diffId);
  t.not(fast[0]!.descriptor.digest, best[0]!.descriptor.digest, 'gzip -1 and -9 give different blobs');
  t.deepEqual(await ref.layers({ compressionLevel: 9 }), best);
  t.is(r.cache.stats.layersDiffed, 2);
  await ref.release();
});

test('two roots in one process applying the same chain at once each get their own snapshot', async (t) => {
  const source = await openTestRoot();
  t.teardown(() => source.close());
  const ref = await makeRef(source.cache, { 'etc/os': 'base' });
  const layers = await ref.layers();
  await ref.release();
  const roots = await Promise.all([openTestRoot(), openTestRoot()]);
  t.teardown(() => Promise.all(roots.map((x) => x.close())));
  for (const x of roots) {
    for (const l of layers) await x.contentRoot.content.ingest(await source.contentRoot.content.readStream(l.descriptor.digest), { digest: l.descriptor.digest });
  }
  const refs = await Promise.all(roots.map((x) => x.cache.fromLayers(layers)));
  t.deepEqual(roots.map((x) => x.cache.stats.layersApplied), [1, 1], 'each root applied the layer itself (a shared in-flight map would skip the second)');
  for (const x of refs) {
    const view = await x.mount();
    await withTree(view.mounts, (dir) => t.is(fs.readFileSync(path.join(dir, 'etc/os'), 'utf8'), 'base'));
    await view.release();
    await x.release();
  }
});
