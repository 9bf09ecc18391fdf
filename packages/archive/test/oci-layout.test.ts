import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {
  containerdImageNameAnnotation, importArchive, listArchive, loadArchive, refNameAnnotation, saveArchive,
} from '@kiln/archive';
import { hasTool, storeTestImage, tempDir, tempRoot, tool, twoLayers } from './support/images.ts';

const skopeo = hasTool('skopeo');
const umoci = hasTool('umoci');

test('an OCI layout directory holds oci-layout, an annotated index.json and exactly the referenced blobs', async (t) => {
  const root = await tempRoot(t);
  const image = await storeTestImage(root, twoLayers);
  const dir = path.join(tempDir(t), 'layout');
  await saveArchive(root.content, [{ target: image.manifest, names: ['example.com/team/app:v1'] }], { dir }, { format: 'oci' });
  t.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'oci-layout'), 'utf8')), { imageLayoutVersion: '1.0.0' });
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
  t.is(index.manifests.length, 1);
  t.is(index.manifests[0].digest, image.manifest.digest);
  t.deepEqual(index.manifests[0].annotations, { [containerdImageNameAnnotation]: 'example.com/team/app:v1', [refNameAnnotation]: 'v1' });
  const expected = [image.manifest, image.config, ...image.layers].map((d) => d.digest.slice('sha256:'.length)).sort();
  t.deepEqual(fs.readdirSync(path.join(dir, 'blobs', 'sha256')).sort(), expected);
  for (const d of [image.config, ...image.layers]) {
    t.true(fs.readFileSync(path.join(dir, 'blobs', 'sha256', d.digest.slice(7))).equals(fs.readFileSync(root.content.path(d.digest))));
  }
});

test('writing a layout into a non-empty directory is refused', async (t) => {
  const root = await tempRoot(t);
  const image = await storeTestImage(root, twoLayers);
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'keep'), 'x');
  const error = await t.throwsAsync(saveArchive(root.content, [{ target: image.manifest, names: ['app'] }], { dir }, { format: 'oci' }));
  t.is((error as { code?: string }).code, 'AlreadyExists');
});

test('saving an image whose layer is missing from content fails before writing anything', async (t) => {
  const root = await tempRoot(t);
  const image = await storeTestImage(root, twoLayers);
  await root.content.delete(image.layers[1]!.digest);
  const file = path.join(tempDir(t), 'out.tar');
  const error = await t.throwsAsync(saveArchive(root.content, [{ target: image.manifest, names: ['app'] }], { file }, { format: 'oci' }));
  t.is((error as { code?: string }).code, 'NotFound');
  t.regex(error!.message, new RegExp(`layer ${image.layers[1]!.digest}`));
  t.false(fs.existsSync(file));
  t.deepEqual(fs.readdirSync(path.dirname(file)), [], 'no temporary file is left');
});

(skopeo ? test : test.skip)('skopeo inspects the OCI directory and the OCI tar and reports the same manifest digest', async (t) => {
  const root = await tempRoot(t);
  const image = await storeTestImage(root, twoLayers);
  const work = tempDir(t);
  const images = [{ target: image.manifest, names: ['docker.io/library/app:v1'] }];
  await saveArchive(root.content, images, { dir: path.join(work, 'layout') }, { format: 'oci' });
  await saveArchive(root.content, images, { file: path.join(work, 'image.tar') }, { format: 'oci' });
  const fromDir = JSON.parse(await tool('skopeo', ['inspect', `oci:${path.join(work, 'layout')}:v1`]));
  const fromTar = JSON.parse(await tool('skopeo', ['inspect', `oci-archive:${path.join(work, 'image.tar')}:v1`]));
  t.is(fromDir.Digest, image.manifest.digest);
  t.is(fromTar.Digest, image.manifest.digest);
  t.deepEqual(fromTar.Layers, image.layers.map((l) => l.digest));
  t.is(fromTar.Architecture, 'amd64');
});

(skopeo ? test : test.skip)('several names in one index.json: each tag resolves in skopeo and all names come back on load', async (t) => {
  const root = await tempRoot(t);
  const first = await storeTestImage(root, twoLayers);
  const second = await storeTestImage(root, [{ 'etc/other': 'second image\n' }], { cmd: 'true' });
  const file = path.join(tempDir(t), 'many.tar');
  await saveArchive(
    root.content,
    [
      { target: first.manifest, names: ['app:v1', 'registry.example:5000/app:stable'] },
      { target: second.manifest, names: ['tool:v2'] },
    ],
    { file },
    { format: 'oci' },
  );
  for (const [tag, digest] of [['v1', first.manifest.digest], ['stable', first.manifest.digest], ['v2', second.manifest.digest]] as const) {
    t.is(JSON.parse(await tool('skopeo', ['inspect', `oci-archive:${file}:${tag}`])).Digest, digest, tag);
  }
  const listing = await listArchive(file);
  t.is(listing.format, 'oci-tar');
  t.deepEqual(listing.images.map((i) => i.names), [
    ['docker.io/library/app:v1', 'registry.example:5000/app:stable'],
    ['docker.io/library/tool:v2'],
  ]);
  const target = await tempRoot(t);
  const loaded = await loadArchive(target, file);
  t.deepEqual(loaded.named, ['docker.io/library/app:v1', 'registry.example:5000/app:stable', 'docker.io/library/tool:v2']);
  t.is(target.images.get('registry.example:5000/app:stable').target.digest, first.manifest.digest);
  t.is(target.images.get('docker.io/library/tool:v2').target.digest, second.manifest.digest);
  t.deepEqual(target.leases.list(), [], 'the import lease is gone');
});

(umoci ? test : test.skip)('umoci unpacks the OCI layout kiln writes', async (t) => {
  const root = await tempRoot(t);
  const image = await storeTestImage(root, twoLayers);
  const work = tempDir(t);
  const dir = path.join(work, 'layout');
  await saveArchive(root.content, [{ target: image.manifest, names: ['app:v1'] }], { dir }, { format: 'oci' });
  const bundle = path.join(work, 'bundle');
  await tool('umoci', ['unpack', ...(process.getuid?.() === 0 ? [] : ['--rootless']), '--image', `${dir}:v1`, bundle]);
  t.is(fs.readFileSync(path.join(bundle, 'rootfs', 'etc', 'hello'), 'utf8'), 'hello from kiln\n');
  t.is(fs.readFileSync(path.join(bundle, 'rootfs', 'app', 'more'), 'utf8'), 'layer two\n');
  const spec = JSON.parse(fs.readFileSync(path.join(bundle, 'config.json'), 'utf8'));
  t.deepEqual(spec.process.args, ['sh']);
});

test('an OCI tar written by kiln imports into an empty store with every blob and the same digests', async (t) => {
  const root = await tempRoot(t);
  const image = await storeTestImage(root, twoLayers, { compression: 'zstd' });
  const file = path.join(tempDir(t), 'image.tar');
  await saveArchive(root.content, [{ target: image.manifest, names: ['app:v1'] }], { file }, { format: 'oci' });
  const target = await tempRoot(t);
  const result = await importArchive(file, { content: target.content });
  t.is(result.format, 'oci-tar');
  t.is(result.images.length, 1);
  t.is(result.images[0]!.target.digest, image.manifest.digest);
  t.deepEqual(result.images[0]!.refNames, ['v1']);
  for (const d of [image.manifest, image.config, ...image.layers]) t.true(await target.content.has(d.digest), d.digest);
});

test('every blob an import stores or relies on is reported to onBlob before the import returns (for the lease)', async (t) => {
  const root = await tempRoot(t);
  const image = await storeTestImage(root, twoLayers);
  const work = tempDir(t);
  await saveArchive(root.content, [{ target: image.manifest, names: ['app:v1'] }], { dir: path.join(work, 'layout') }, { format: 'oci' });
  await saveArchive(root.content, [{ target: image.manifest, names: ['app:v1'] }], { file: path.join(work, 'image.tar') }, { format: 'oci' });
  const wanted = [image.manifest, image.config, ...image.layers].map((d) => d.digest).sort();
  for (const input of ['layout', 'image.tar']) {
    const target = await tempRoot(t);
    const reported = new Set<string>();
    await importArchive(path.join(work, input), { content: target.content, onBlob: (digest) => reported.add(digest) });
    t.deepEqual([...reported].sort(), wanted, input);
  }
  const listing = await listArchive(path.join(work, 'layout'));
  t.is(listing.format, 'oci-dir');
  t.deepEqual(listing.images.map((i) => [i.target?.digest, i.names, i.refNames]), [[image.manifest.digest, ['docker.io/library/app:v1'], ['v1']]]);
});

test('a layout directory whose write fails midway is left empty', async (t) => {
  const root = await tempRoot(t);
  const image = await storeTestImage(root, twoLayers);
  // Corrupt the stored second layer in place: the plan (sizes) passes, streaming it fails its digest check.
  const stored = root.content.path(image.layers[1]!.digest);
  const bytes = fs.readFileSync(stored);
  bytes[10]! ^= 0xff;
  fs.chmodSync(stored, 0o644);
  fs.writeFileSync(stored, bytes);
  const dir = path.join(tempDir(t), 'layout');
  const error = await t.throwsAsync(saveArchive(root.content, [{ target: image.manifest, names: ['app:v1'] }], { dir }, { format: 'oci' }));
  t.is((error as { code?: string }).code, 'DataLoss');
  t.regex(error!.message, new RegExp(`stored layer ${image.layers[1]!.digest}: expected digest`));
  t.deepEqual(fs.readdirSync(dir), []);
});
