import test from 'ava';
import { exportImage, exporterResponse, type ExportLayer } from '@kiln/exporter';
import type { ContentRoot } from '@kiln/content';
import { MediaType, parseImageConfig, parseImageManifest, type ImageConfig } from '@kiln/oci';
import { busyboxAvailable, fakeRef, isRoot, layerFromScript, loadBusybox, tempRoot } from './support/fixture.ts';

const ready = busyboxAvailable && isRoot;
const epoch = 1_700_000_000;
const epochText = '2023-11-14T22:13:20Z';

/** What helper F's frontend hands over for `FROM busybox` + `COPY . /app` + `CMD`: busybox's config, history extended, diff_ids not filled. */
function frontendConfig(base: ImageConfig): ImageConfig {
  return {
    ...base,
    config: { ...base.config, Cmd: ['cat', '/app/hello.txt'] },
    rootfs: { type: 'layers', diff_ids: [] },
    history: [
      ...(base.history ?? []),
      { created_by: 'COPY . /app # buildkit', comment: 'buildkit.dockerfile.v0' },
      { created_by: 'CMD ["cat" "/app/hello.txt"]', comment: 'buildkit.dockerfile.v0', empty_layer: true },
    ],
  };
}

/** busybox plus one layer with a file whose mtimes are pinned, so every root makes the same layer blob. */
async function buildInput(t: Parameters<typeof tempRoot>[0], root: ContentRoot) {
  const busybox = await loadBusybox(root);
  const added = await layerFromScript(t, root, `mkdir app && printf 'hello\\n' > app/hello.txt && touch -d @1600000000 app app/hello.txt`);
  const layers: ExportLayer[] = [...busybox.layers, added];
  return { busybox, added, layers, ref: fakeRef(t, root, layers), config: frontendConfig(busybox.config) };
}

(ready ? test : test.skip)('the image is stored under every normalised -t name, busybox layers untouched, config and history complete', async (t) => {
  const root = await tempRoot(t);
  const { busybox, added, ref, config } = await buildInput(t, root);
  const image = await exportImage({ root: ref, config }, { contentRoot: root, now: () => Date.parse('2026-02-03T04:05:06Z') }, {
    names: ['app:1', 'docker.io/library/app:1', 'example.com/team/app'],
  });
  t.deepEqual(image.names, ['docker.io/library/app:1', 'example.com/team/app:latest']);
  t.deepEqual(root.images.list().map((i) => [i.name, i.target.digest]), [
    ['docker.io/library/app:1', image.digest],
    ['docker.io/library/busybox:latest', root.images.get('docker.io/library/busybox:latest').target.digest],
    ['example.com/team/app:latest', image.digest],
  ]);
  const manifest = parseImageManifest((await root.content.readBytes(image.digest)).toString());
  t.is(manifest.mediaType, MediaType.ociManifest);
  t.deepEqual(manifest.layers.slice(0, busybox.layers.length), busybox.layers.map((l) => l.descriptor), 'base layers keep their blobs');
  t.is(manifest.layers.at(-1)!.digest, added.descriptor.digest);
  t.is(manifest.config.digest, image.imageId);
  const stored = parseImageConfig((await root.content.readBytes(image.imageId)).toString());
  t.deepEqual(stored.rootfs.diff_ids, [...busybox.config.rootfs.diff_ids, added.diffId]);
  t.deepEqual(stored.config?.Cmd, ['cat', '/app/hello.txt']);
  t.deepEqual(stored.history?.slice(-2).map((h) => h.created), ['2026-02-03T04:05:06Z', '2026-02-03T04:05:06Z']);
  t.is(stored.created, '2026-02-03T04:05:06Z');
  t.deepEqual(image.warnings, []);
  t.deepEqual(exporterResponse(image), {
    'containerimage.config.digest': image.imageId,
    'containerimage.descriptor': JSON.stringify({ mediaType: MediaType.ociManifest, digest: image.digest, size: image.manifest.size }),
    'containerimage.digest': image.digest,
    'image.name': 'docker.io/library/app:1,example.com/team/app:latest',
  });
  t.is(ref.mounted(), 0, 'making an image never mounts the tree');
  await image.release();
});

(ready ? test : test.skip)('blobs are leased until release, so an unnamed image survives until its outputs are written', async (t) => {
  const root = await tempRoot(t);
  const { ref, config, layers } = await buildInput(t, root);
  const image = await exportImage({ root: ref, config }, { contentRoot: root });
  const [lease] = root.leases.list();
  const leased = root.leases.resources(lease!.id).map((r) => r.digest);
  for (const digest of [image.digest, image.imageId, ...layers.map((l) => l.descriptor.digest)]) t.true(leased.includes(digest), digest);
  await image.release();
  await image.release();
  t.deepEqual(root.leases.list(), []);
});

(ready ? test : test.skip)('exporting the same result twice gives the same manifest digest when the layers carry their creation time', async (t) => {
  const root = await tempRoot(t);
  const { ref, config, layers } = await buildInput(t, root);
  const dated = fakeRef(t, root, layers.map((l) => ({ ...l, createdAt: Date.parse('2025-05-05T05:05:05Z') })));
  const first = await exportImage({ root: dated, config }, { contentRoot: root, now: () => 1_000 }, { names: ['app'] });
  const second = await exportImage({ root: dated, config }, { contentRoot: root, now: () => 2_000_000 }, { names: ['app'] });
  t.is(first.digest, second.digest);
  const undated = await exportImage({ root: ref, config }, { contentRoot: root, now: () => 3_000_000 });
  t.not(undated.digest, first.digest, 'without layer times the export time shows in history');
  for (const image of [first, second, undated]) await image.release();
});

(ready ? test : test.skip)('with SOURCE_DATE_EPOCH the digest is the same in two separate kiln roots at different times', async (t) => {
  const digests: string[] = [];
  const plain: string[] = [];
  for (const now of [Date.parse('2026-01-01T00:00:00Z'), Date.parse('2027-06-06T06:06:06Z')]) {
    const root = await tempRoot(t);
    const { ref, config } = await buildInput(t, root);
    const image = await exportImage({ root: ref, config }, { contentRoot: root, now: () => now }, { sourceDateEpoch: epoch, names: ['app'] });
    const stored = parseImageConfig((await root.content.readBytes(image.imageId)).toString());
    t.is(stored.created, epochText);
    t.true(stored.history!.every((h) => h.created !== undefined && Date.parse(h.created) <= epoch * 1000), 'every history time is clamped');
    digests.push(image.digest);
    plain.push((await exportImage({ root: ref, config }, { contentRoot: root, now: () => now })).digest);
  }
  t.is(digests[0], digests[1]);
  t.not(plain[0], plain[1], 'without the epoch, the export time makes them differ');
});

(ready ? test : test.skip)('docker media types, compression passed to the ref and manifest annotations', async (t) => {
  const root = await tempRoot(t);
  const { config, layers } = await buildInput(t, root);
  const asked: unknown[] = [];
  const ref = { ...fakeRef(t, root, layers), layers: async (options?: unknown) => (asked.push(options), layers) };
  const image = await exportImage({ root: ref, config }, { contentRoot: root }, {
    mediaTypes: 'docker', compression: 'zstd', rewriteTimestamp: true, sourceDateEpoch: epoch, annotations: [{ kind: 'manifest', key: 'org.opencontainers.image.title', value: 'kiln' }],
  });
  t.deepEqual(asked, [{ compression: 'zstd', sourceDateEpoch: epoch }]);
  const manifest = parseImageManifest((await root.content.readBytes(image.digest)).toString());
  t.is(manifest.mediaType, MediaType.dockerManifest);
  t.is(image.manifest.mediaType, MediaType.dockerManifest);
  t.is(manifest.config.mediaType, MediaType.dockerConfig);
  t.true(manifest.layers.every((l) => l.mediaType === MediaType.dockerLayerGzip));
  t.deepEqual(manifest.annotations, { 'org.opencontainers.image.title': 'kiln' });
  await image.release();
});

test('an image with no layers (FROM scratch, metadata only) has an empty rootfs', async (t) => {
  const root = await tempRoot(t);
  const config: ImageConfig = {
    architecture: 'amd64', os: 'linux', config: { Cmd: ['/app'] }, rootfs: { type: 'layers', diff_ids: [] },
    history: [{ created_by: 'CMD ["/app"]', comment: 'buildkit.dockerfile.v0', empty_layer: true }],
  };
  const image = await exportImage({ root: undefined, config }, { contentRoot: root, now: () => 0 }, { names: ['empty'] });
  const manifest = parseImageManifest((await root.content.readBytes(image.digest)).toString());
  t.deepEqual(manifest.layers, []);
  const stored = parseImageConfig((await root.content.readBytes(image.imageId)).toString());
  t.deepEqual(stored.rootfs.diff_ids, []);
  t.is(stored.created, '1970-01-01T00:00:00Z');
  t.is(root.images.get('docker.io/library/empty:latest').target.digest, image.digest);
  await image.release();
});

test('a malformed name is refused before anything is written, and no lease is left', async (t) => {
  const root = await tempRoot(t);
  const config: ImageConfig = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } };
  const error = await t.throwsAsync(exportImage({ root: undefined, config }, { contentRoot: root }, { names: ['Bad Name'] }));
  t.is((error as { code?: string }).code, 'InvalidArgument');
  t.deepEqual(root.leases.list(), []);
  t.deepEqual(root.images.list(), []);
});

test('a layer that fails to be made releases the lease and names nothing', async (t) => {
  const root = await tempRoot(t);
  const config: ImageConfig = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } };
  const broken = { layers: async () => Promise.reject(new Error('snapshot gone')), mount: async () => Promise.reject(new Error('unused')) };
  await t.throwsAsync(exportImage({ root: broken, config }, { contentRoot: root }, { names: ['app'] }), { message: 'snapshot gone' });
  t.deepEqual(root.leases.list(), []);
  t.deepEqual(root.images.list(), []);
});
