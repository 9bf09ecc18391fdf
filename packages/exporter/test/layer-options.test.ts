// Image options that change layers and descriptors, over real cache refs: the epoch clamp and its annotation,
// force-compression, compression levels, annotation kinds, and local mode=delete.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import test, { type ExecutionContext } from 'ava';
import { exportImage, exportOutputs, parseOutputSpec, rewrittenTimestampAnnotation } from '@kiln/exporter';
import { decompress } from '@kiln/layer';
import { MediaType, parseImageManifest, type ImageConfig } from '@kiln/oci';
import { busyboxAvailable, isRoot, loadBusybox, tempDir, testLayerScript } from './support/fixture.ts';
import { openCacheRoot, refFromScript, type CacheRoot } from './support/cache-root.ts';

const ready = busyboxAvailable && isRoot;
const epoch = 1_600_000_000;

async function build(t: ExecutionContext, root: CacheRoot) {
  const busybox = await loadBusybox(root.contentRoot);
  const base = root.hold(await root.cache.fromLayers(busybox.layers));
  const ref = await refFromScript(t, root, base, testLayerScript);
  const config: ImageConfig = { ...busybox.config, history: [...(busybox.config.history ?? []), { created_by: 'RUN make-the-layer # buildkit', comment: 'buildkit.dockerfile.v0' }] };
  return { busybox, ref, config };
}

async function manifestOf(root: CacheRoot, digest: string) {
  return parseImageManifest((await root.contentRoot.content.readBytes(digest as `sha256:${string}`)).toString());
}

async function sha256OfDecompressed(root: CacheRoot, digest: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of decompress(Readable.from(await root.contentRoot.content.readStream(digest as `sha256:${string}`)))) hash.update(chunk);
  return `sha256:${hash.digest('hex')}`;
}

(ready ? test.serial : test.skip)('under an epoch the built layer is clamped and annotated buildkit/rewritten-timestamp; base layers are not; rewrite-timestamp=false keeps mtimes', async (t) => {
  const root = await openCacheRoot(t);
  const { busybox, ref, config } = await build(t, root);
  const clamped = await exportImage({ root: ref, config }, { contentRoot: root.contentRoot }, { sourceDateEpoch: epoch });
  t.teardown(() => clamped.release());
  const manifest = await manifestOf(root, clamped.digest);
  t.deepEqual(manifest.layers.slice(0, -1), busybox.layers.map((l) => l.descriptor), 'base blobs untouched and unannotated');
  t.deepEqual(manifest.layers.at(-1)!.annotations, { [rewrittenTimestampAnnotation]: String(epoch) });
  const kept = await exportImage({ root: ref, config }, { contentRoot: root.contentRoot }, { sourceDateEpoch: epoch, rewriteTimestamp: false });
  t.teardown(() => kept.release());
  const plain = await manifestOf(root, kept.digest);
  t.is(plain.layers.at(-1)!.annotations, undefined);
  t.not(plain.layers.at(-1)!.digest, manifest.layers.at(-1)!.digest, 'the files were written after the epoch, so only the clamp changes them');
  t.is(plain.layers.at(-1)!.digest, (await ref.layers())[busybox.layers.length]!.descriptor.digest, 'without the clamp the layer is the ref\'s own');
});

(ready ? test.serial : test.skip)('force-compression recompresses base layers into the asked compression with the same diff_ids; without it they keep their blobs', async (t) => {
  const root = await openCacheRoot(t);
  const { busybox, ref, config } = await build(t, root);
  const mixed = await exportImage({ root: ref, config }, { contentRoot: root.contentRoot }, { compression: 'zstd' });
  t.teardown(() => mixed.release());
  t.deepEqual((await manifestOf(root, mixed.digest)).layers.slice(0, -1), busybox.layers.map((l) => l.descriptor));
  // A fixed clock: the config's `created` would otherwise differ between two exports a second apart.
  const now = (): number => Date.UTC(2026, 0, 1);
  const forced = await exportImage({ root: ref, config }, { contentRoot: root.contentRoot, now }, { compression: 'zstd', compressionLevel: 5, forceCompression: true });
  t.teardown(() => forced.release());
  const manifest = await manifestOf(root, forced.digest);
  t.true(manifest.layers.every((l) => l.mediaType === MediaType.ociLayerZstd), JSON.stringify(manifest.layers));
  t.deepEqual(forced.layers.map((l) => l.diffId), mixed.layers.map((l) => l.diffId));
  for (const [i, layer] of manifest.layers.entries()) t.is(await sha256OfDecompressed(root, layer.digest), forced.layers[i]!.diffId, `layer ${i} decompresses to its diff_id`);
  // TODO(flaky under load): two forced zstd recompressions of the same layers gave different digests in 2 of ~10
  // loaded runs (not reproduced on a quiet machine); suspect zstd output depending on input chunking. Until that is
  // understood, determinism of force-compression is not asserted here.
  const uncompressed = await exportImage({ root: ref, config }, { contentRoot: root.contentRoot }, { compression: 'uncompressed', forceCompression: true });
  t.teardown(() => uncompressed.release());
  t.deepEqual((await manifestOf(root, uncompressed.digest)).layers.map((l) => l.digest), uncompressed.layers.map((l) => l.diffId), 'uncompressed blobs are their diff_ids');
});

(ready ? test.serial : test.skip)('a compression level changes the built layer\'s blob, not its diff_id', async (t) => {
  const root = await openCacheRoot(t);
  const { ref, config } = await build(t, root);
  const zero = await exportImage({ root: ref, config }, { contentRoot: root.contentRoot }, { compressionLevel: 0 });
  t.teardown(() => zero.release());
  const nine = await exportImage({ root: ref, config }, { contentRoot: root.contentRoot }, { compressionLevel: 9 });
  t.teardown(() => nine.release());
  t.is(zero.layers.at(-1)!.diffId, nine.layers.at(-1)!.diffId);
  t.true(zero.layers.at(-1)!.descriptor.size > nine.layers.at(-1)!.descriptor.size, 'gzip level 0 stores, level 9 compresses');
});

(ready ? test.serial : test.skip)('manifest-descriptor annotations reach the OCI index entry; another platform\'s are skipped; index annotations are refused like BuildKit', async (t) => {
  const root = await openCacheRoot(t);
  const { ref, config } = await build(t, root);
  const file = path.join(tempDir(t), 'layout');
  const spec = `type=oci,tar=false,dest=${file},annotation-manifest-descriptor.org.example.d=desc,annotation[linux/s390x].skipped=1,annotation.org.example.m=man`;
  const result = await exportOutputs({ root: ref, config }, [parseOutputSpec(spec)], { contentRoot: root.contentRoot });
  t.teardown(() => result.release());
  const index = JSON.parse(fs.readFileSync(path.join(file, 'index.json'), 'utf8')) as { manifests: { annotations: Record<string, string> }[] };
  t.is(index.manifests[0]!.annotations['org.example.d'], 'desc');
  const manifest = await manifestOf(root, result.images.at(-1)!.digest);
  t.deepEqual(manifest.annotations, { 'org.example.m': 'man' });
  const error = await t.throwsAsync(exportOutputs({ root: ref, config }, [parseOutputSpec('type=image,name=x,annotation-index.a=b')], { contentRoot: root.contentRoot }));
  t.regex(error!.message, /index annotations not supported for single platform export/);
  t.is((error as { code?: string }).code, 'Unsupported');
});

(ready ? test.serial : test.skip)('type=local mode=delete leaves only the tree in dest; the default copy keeps what was there', async (t) => {
  const root = await openCacheRoot(t);
  const { ref, config } = await build(t, root);
  const dest = path.join(tempDir(t), 'out');
  fs.mkdirSync(path.join(dest, 'stray'), { recursive: true });
  fs.writeFileSync(path.join(dest, 'stray', 'file'), 'x');
  await (await exportOutputs({ root: ref, config }, [parseOutputSpec(`type=local,dest=${dest}`)], { contentRoot: root.contentRoot })).release();
  t.true(fs.existsSync(path.join(dest, 'stray', 'file')));
  t.true(fs.existsSync(path.join(dest, 'app', 'greeting.txt')));
  await (await exportOutputs({ root: ref, config }, [parseOutputSpec(`type=local,dest=${dest},mode=delete`)], { contentRoot: root.contentRoot })).release();
  t.false(fs.existsSync(path.join(dest, 'stray')));
  t.true(fs.existsSync(path.join(dest, 'app', 'greeting.txt')));
});
