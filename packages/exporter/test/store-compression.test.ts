// The image a build keeps in kiln's store has its new layers uncompressed (as docker's image store), unless it is
// pushed or asks for a compression; distributableImage compresses such an image on its way to a registry.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import type { ContentRoot } from '@kiln/content';
import { distributableImage, exportImage, exportOutputs, parseOutputSpec, storedImageOptions, type ExportableRef, type ExportLayer, type ImagePusher, type LayerCompressionName } from '@kiln/exporter';
import { decompress, diff } from '@kiln/layer';
import { MediaType, parseImageManifest, serializeImageIndex, type Descriptor, type Digest, type ImageConfig } from '@kiln/oci';
import { busyboxAvailable, fakeRef, isRoot, loadBusybox, tempDir, tempRoot } from './support/fixture.ts';

const ready = busyboxAvailable && isRoot;
/** A fixed clock, so images made by separate exports get the same `created` and can be compared by image ID. */
const now = (): number => Date.UTC(2026, 0, 1);

/**
 * busybox plus one layer the "build" made, diffed in whatever compression `layers()` is asked for (as a cache
 * ref does); busybox's layers are `image` layers and keep their gzip blobs.
 */
async function build(t: ExecutionContext, root: ContentRoot): Promise<{ ref: ExportableRef; config: ImageConfig; base: readonly ExportLayer[] }> {
  const busybox = await loadBusybox(root);
  const dir = tempDir(t);
  execFileSync('sh', ['-ec', `mkdir app && printf 'made by the build\\n' > app/made.txt && touch -d @1600000000 app app/made.txt`], { cwd: dir });
  const base = busybox.layers.map((l) => ({ ...l, origin: 'image' as const }));
  const ref: ExportableRef = {
    layers: async (options) => {
      const made = await diff([], [{ type: 'bind', source: dir, options: ['rbind', 'ro'] }], root.content, { compression: options?.compression ?? 'gzip' });
      return [...base, { descriptor: made.descriptor, diffId: made.diffId, origin: 'diff', createdAt: now() }];
    },
    mount: () => Promise.reject(new Error('an image export never mounts the tree')),
  };
  const config: ImageConfig = { ...busybox.config, history: [...(busybox.config.history ?? []), { created_by: 'COPY app /app # buildkit', comment: 'buildkit.dockerfile.v0' }] };
  return { ref, config, base };
}

async function manifestOf(root: ContentRoot, digest: Digest) {
  return parseImageManifest((await root.content.readBytes(digest)).toString());
}

async function decompressedDigest(root: ContentRoot, digest: Digest): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of decompress(await root.content.readStream(digest))) hash.update(chunk);
  return `sha256:${hash.digest('hex')}`;
}

test('storedImageOptions: uncompressed unless an output pushes or a compression setting is given', (t) => {
  t.deepEqual(storedImageOptions({}, { leavesStore: false }), { compression: 'uncompressed' });
  t.deepEqual(storedImageOptions({ mediaTypes: 'docker' }, { leavesStore: false }), { mediaTypes: 'docker', compression: 'uncompressed' });
  t.deepEqual(storedImageOptions({}, { leavesStore: true }), {}, 'a pushed build stores the gzip image it pushes');
  t.deepEqual(storedImageOptions({ compression: 'zstd' }, { leavesStore: false }), { compression: 'zstd' });
  t.deepEqual(storedImageOptions({ compressionLevel: 9 }, { leavesStore: false }), { compressionLevel: 9 }, 'a level asks for gzip');
  t.deepEqual(storedImageOptions({ forceCompression: true }, { leavesStore: false }), { forceCompression: true });
  t.deepEqual(storedImageOptions({ forceCompression: false }, { leavesStore: false }), { forceCompression: false, compression: 'uncompressed' });
});

(ready ? test : test.skip)('a -t image is stored uncompressed, with the image ID of the gzip archive of the same build, which is stored as it is', async (t) => {
  const root = await tempRoot(t);
  const { ref, config, base } = await build(t, root);
  const plain = await exportOutputs({ root: ref, config }, [], { contentRoot: root, now }, { tags: ['app:1'] });
  t.teardown(() => plain.release());
  const stored = plain.image!;
  t.is(root.images.get('docker.io/library/app:1').target.digest, stored.digest);
  const manifest = await manifestOf(root, stored.digest);
  t.deepEqual(manifest.layers.slice(0, -1), base.map((l) => l.descriptor), 'base layers keep their gzip blobs');
  t.is(manifest.layers.at(-1)!.mediaType, MediaType.ociLayer);
  t.is(manifest.layers.at(-1)!.digest, stored.layers.at(-1)!.diffId, 'an uncompressed blob is its diff_id');
  const file = path.join(tempDir(t), 'image.tar');
  const result = await exportOutputs({ root: ref, config }, [parseOutputSpec(`type=oci,dest=${file}`)], { contentRoot: root, now }, { tags: ['app:2'] });
  t.teardown(() => result.release());
  const archived = result.image!;
  t.deepEqual(result.images, [archived], 'an image that leaves the store is the one stored');
  t.is((await manifestOf(root, archived.digest)).layers.at(-1)!.mediaType, MediaType.ociLayerGzip, 'archives default to gzip');
  t.is(root.images.get('docker.io/library/app:2').target.digest, archived.digest);
  t.not(archived.digest, stored.digest);
  t.is(archived.imageId, stored.imageId, 'compression never changes the image ID');
});

(ready ? test : test.skip)('with no outputs at all the image is stored uncompressed; an explicit type=image compression wins', async (t) => {
  const root = await tempRoot(t);
  const { ref, config } = await build(t, root);
  const plain = await exportOutputs({ root: ref, config }, [], { contentRoot: root, now }, { tags: ['app:1'] });
  t.teardown(() => plain.release());
  t.is((await manifestOf(root, plain.image!.digest)).layers.at(-1)!.mediaType, MediaType.ociLayer);
  const gzip = await exportOutputs({ root: ref, config }, [parseOutputSpec('type=image,name=app:2,compression=gzip')], { contentRoot: root, now });
  t.teardown(() => gzip.release());
  t.is((await manifestOf(root, gzip.image!.digest)).layers.at(-1)!.mediaType, MediaType.ociLayerGzip);
  t.is(gzip.image!.imageId, plain.image!.imageId);
});

(ready ? test : test.skip)('when an output pushes, the stored image is the pushed one (gzip), made once', async (t) => {
  const root = await tempRoot(t);
  const { ref, config } = await build(t, root);
  const pushes: { ref: string; digest: string }[] = [];
  const registry: ImagePusher = { push: async (name, _store, manifest) => void pushes.push({ ref: name, digest: manifest.digest }) };
  const result = await exportOutputs({ root: ref, config }, [parseOutputSpec('type=registry,name=r.example/app:1')], { contentRoot: root, registry, now }, { tags: ['app:1'] });
  t.teardown(() => result.release());
  t.is(result.images.length, 1);
  t.deepEqual(pushes, [{ ref: 'r.example/app:1', digest: result.image!.digest }, { ref: 'app:1', digest: result.image!.digest }]);
  t.is(root.images.get('docker.io/library/app:1').target.digest, result.image!.digest);
  t.is((await manifestOf(root, result.image!.digest)).layers.at(-1)!.mediaType, MediaType.ociLayerGzip);
});

(ready ? test : test.skip)('distributableImage gzips the uncompressed layers of a stored image: same config, base blobs kept, same digest every time', async (t) => {
  const root = await tempRoot(t);
  const { ref, config, base } = await build(t, root);
  const stored = await exportImage({ root: ref, config }, { contentRoot: root, now }, { compression: 'uncompressed', names: ['app:1'] });
  t.teardown(() => stored.release());
  const target = root.images.get('docker.io/library/app:1').target;
  const lease = root.leases.create();
  t.teardown(() => root.leases.delete(lease.id));
  const out = await distributableImage(root, target, lease.id);
  t.not(out.digest, target.digest);
  t.is(out.mediaType, MediaType.ociManifest);
  const manifest = await manifestOf(root, out.digest);
  t.is(manifest.config.digest, stored.imageId);
  t.deepEqual(manifest.layers.slice(0, -1), base.map((l) => l.descriptor));
  const layer = manifest.layers.at(-1)!;
  t.is(layer.mediaType, MediaType.ociLayerGzip);
  t.is(await decompressedDigest(root, layer.digest), stored.layers.at(-1)!.diffId);
  const leased = root.leases.resources(lease.id).map((r) => r.digest);
  t.true(leased.includes(out.digest) && leased.includes(layer.digest), 'the new manifest and blob are leased');
  t.deepEqual(await distributableImage(root, target, lease.id), out, 'compressing again gives the same manifest');
  t.is(await distributableImage(root, out, lease.id), out, 'a compressed image is returned as it is');
  // The same for Docker media types: the family is kept.
  const docker = await exportImage({ root: ref, config }, { contentRoot: root, now }, { compression: 'uncompressed', mediaTypes: 'docker' });
  t.teardown(() => docker.release());
  const dockerOut = await distributableImage(root, { mediaType: MediaType.dockerManifest, digest: docker.digest, size: docker.manifest.size }, lease.id);
  t.is(dockerOut.mediaType, MediaType.dockerManifest);
  const dockerManifest = await manifestOf(root, dockerOut.digest);
  t.is(dockerManifest.mediaType, MediaType.dockerManifest);
  t.true(dockerManifest.layers.every((l) => l.mediaType === MediaType.dockerLayerGzip), JSON.stringify(dockerManifest.layers));
});

(ready ? test : test.skip)('distributableImage leaves indexes as they are', async (t) => {
  const root = await tempRoot(t);
  const { ref, config } = await build(t, root);
  const stored = await exportImage({ root: ref, config }, { contentRoot: root, now }, { compression: 'uncompressed' });
  t.teardown(() => stored.release());
  const text = serializeImageIndex({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [{ ...stored.manifest, platform: { os: 'linux', architecture: 'amd64' } }] });
  const written = await root.content.writeBytes(text);
  const index: Descriptor = { mediaType: MediaType.ociIndex, digest: written.digest, size: written.size };
  const lease = root.leases.create();
  t.teardown(() => root.leases.delete(lease.id));
  t.is(await distributableImage(root, index, lease.id), index);
});

(ready ? test : test.skip)('uncompressed base layers (FROM an image kiln stored) are compressed into the asked compression; compressed ones keep their blobs', async (t) => {
  const root = await tempRoot(t);
  const { ref, config } = await build(t, root);
  const stored = await exportImage({ root: ref, config }, { contentRoot: root, now }, { compression: 'uncompressed' });
  t.teardown(() => stored.release());
  // An image built FROM the stored one: all its layers are base layers now, the last one a plain tar.
  const derived = fakeRef(t, root, stored.layers.map((l) => ({ ...l, origin: 'image' as const })));
  const compressions: readonly LayerCompressionName[] = ['gzip', 'uncompressed'];
  const [gzip, plain] = await Promise.all(compressions.map((compression) => exportImage({ root: derived, config }, { contentRoot: root, now }, { compression })));
  t.teardown(async () => {
    await gzip!.release();
    await plain!.release();
  });
  const gzipLayers = (await manifestOf(root, gzip!.digest)).layers;
  t.true(gzipLayers.every((l) => l.mediaType === MediaType.ociLayerGzip), JSON.stringify(gzipLayers));
  t.deepEqual(gzipLayers.slice(0, -1), stored.layers.slice(0, -1).map((l) => l.descriptor), 'gzip base blobs are kept');
  t.is(await decompressedDigest(root, gzipLayers.at(-1)!.digest), stored.layers.at(-1)!.diffId);
  t.deepEqual((await manifestOf(root, plain!.digest)).layers, stored.layers.map((l) => l.descriptor), 'kept as they are when the store asks for uncompressed');
  t.is(gzip!.imageId, plain!.imageId);
});
