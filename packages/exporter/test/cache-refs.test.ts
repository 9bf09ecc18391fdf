// The exporter over real cache refs (helper C's cache manager on the overlay snapshotter), not stand-ins.
// Serial: each test mounts and diffs real trees; on this two-core machine running them at once only adds contention.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import test, { type ExecutionContext } from 'ava';
import { exportImage, exportOutputs, parseOutputSpec } from '@kiln/exporter';
import { parseImageConfig, parseImageManifest, type ImageConfig } from '@kiln/oci';
import { busyboxAvailable, hasTool, isRoot, loadBusybox, tempDir, testLayerScript, tool } from './support/fixture.ts';
import { openCacheRoot, refFromScript, type CacheRoot } from './support/cache-root.ts';
import { refTree, tarTree, walkTree } from './support/tree.ts';

const ready = busyboxAvailable && isRoot;
const withTools = ready && hasTool('skopeo') && hasTool('umoci') && hasTool('runc');

/** `FROM busybox` + a step that writes the test layer, built with the cache as the worker would. */
async function build(t: ExecutionContext, root: CacheRoot) {
  const busybox = await loadBusybox(root.contentRoot);
  const base = root.hold(await root.cache.fromLayers(busybox.layers));
  const ref = await refFromScript(t, root, base, testLayerScript);
  const config: ImageConfig = {
    ...busybox.config,
    config: { ...busybox.config.config, Cmd: ['cat', '/app/greeting.txt'] },
    history: [...(busybox.config.history ?? []), { created_by: 'RUN /bin/sh -c make-the-layer # buildkit', comment: 'buildkit.dockerfile.v0' }],
  };
  return { busybox, ref, config };
}

(withTools ? test.serial : test.skip)('a cache ref exports to an OCI tar runc runs, base layers untouched, and to a local dir equal to its tree', async (t) => {
  const root = await openCacheRoot(t);
  const { busybox, ref, config } = await build(t, root);
  const work = tempDir(t);
  const file = path.join(work, 'image.tar');
  const dest = path.join(work, 'local');
  const result = await exportOutputs({ root: ref, config }, [parseOutputSpec(`type=oci,dest=${file}`), parseOutputSpec(`type=local,dest=${dest}`)], { contentRoot: root.contentRoot }, { tags: ['app:1'] });
  t.teardown(() => result.release());
  const image = result.image!;
  const manifest = parseImageManifest((await root.contentRoot.content.readBytes(image.digest)).toString());
  t.deepEqual(manifest.layers.slice(0, busybox.layers.length), busybox.layers.map((l) => l.descriptor), 'busybox blobs as pulled');
  t.is(manifest.layers.length, busybox.layers.length + 1);
  t.deepEqual(walkTree(dest), await refTree(t, ref));

  const layout = path.join(work, 'layout');
  fs.mkdirSync(layout);
  await tool('tar', ['-xf', file, '-C', layout]);
  const bundle = path.join(work, 'bundle');
  await tool('umoci', ['unpack', '--image', `${layout}:1`, bundle]);
  const spec = JSON.parse(fs.readFileSync(path.join(bundle, 'config.json'), 'utf8')) as { process: { terminal: boolean } };
  spec.process.terminal = false;
  fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));
  const id = `kiln-exporter-${randomBytes(4).toString('hex')}`;
  try {
    t.is(await tool('runc', ['run', '--bundle', bundle, id]), 'hello from kiln\n');
  } finally {
    await tool('runc', ['delete', '--force', id]).catch(() => undefined);
  }
  // The unpacked image holds the same tree as the ref (umoci keeps owners, modes and devices as root).
  const unpacked = walkTree(path.join(bundle, 'rootfs'));
  const expected = await refTree(t, ref);
  for (const name of ['app/hello.txt', 'app/sub/tool', 'app/null', 'app/link', 'app/fifo']) {
    const { mtime: _a, ...got } = unpacked.get(name)!;
    const { mtime: _b, ...want } = expected.get(name)!;
    t.deepEqual(got, want, name);
  }
});

(ready ? test.serial : test.skip)('the tar output of a cache ref lists its tree', async (t) => {
  const root = await openCacheRoot(t);
  const { ref, config } = await build(t, root);
  const file = path.join(tempDir(t), 'tree.tar');
  await exportOutputs({ root: ref, config }, [parseOutputSpec(`type=tar,dest=${file}`)], { contentRoot: root.contentRoot });
  t.deepEqual(await tarTree(fs.createReadStream(file)), await refTree(t, ref));
});

(ready ? test.serial : test.skip)('exporting a cache ref twice reuses its layer blobs', async (t) => {
  const root = await openCacheRoot(t);
  const { ref, config } = await build(t, root);
  const deps = { contentRoot: root.contentRoot, now: () => Date.parse('2026-01-01T00:00:00Z') };
  const first = await exportImage({ root: ref, config }, deps, { names: ['app'] });
  const second = await exportImage({ root: ref, config }, deps, { names: ['app'] });
  t.deepEqual(second.layers, first.layers);
  t.is(second.digest, first.digest, 'same layers, same pinned time: same manifest');
  t.is(root.cache.stats.layersDiffed, 1, 'the new layer was diffed once');
  await first.release();
  await second.release();
});

(ready ? test.serial : test.skip)('SOURCE_DATE_EPOCH with rewrite-timestamp gives the same digest in two separate kiln roots', async (t) => {
  const epoch = 1_600_000_000;
  const digests: string[] = [];
  for (const now of [Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-09-09T09:09:09Z')]) {
    const root = await openCacheRoot(t);
    const { ref, config } = await build(t, root);
    const image = await exportImage({ root: ref, config }, { contentRoot: root.contentRoot, now: () => now }, { sourceDateEpoch: epoch, rewriteTimestamp: true, names: ['app'] });
    const stored = parseImageConfig((await root.contentRoot.content.readBytes(image.imageId)).toString());
    t.is(stored.created, '2020-09-13T12:26:40Z');
    digests.push(image.digest);
    await image.release();
    // Wait a second so the second root's files get later mtimes: only the clamp can make the layers equal.
    await new Promise((resolve) => setTimeout(resolve, 1100));
  }
  t.is(digests[0], digests[1]);
});
