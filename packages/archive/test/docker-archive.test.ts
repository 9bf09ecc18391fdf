import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import test from 'ava';
import { importArchive, listArchive, loadArchive, saveArchive } from '@kiln/archive';
import { digestBytes } from '@kiln/content';
import { encodeTar, parseTar } from '@kiln/layer';
import { MediaType, parseImageManifest } from '@kiln/oci';
import { collect, hasTool, storeTestImage, tarOf, tempDir, tempRoot, tool, twoLayers } from './support/images.ts';

const skopeo = hasTool('skopeo');

/** Members of a tar file by name (small test archives only). */
async function members(file: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for await (const { header, body } of parseTar(fs.createReadStream(file))) {
    if (header.type === 'file') out.set(header.name, await collect(body));
  }
  return out;
}

test('a docker archive has manifest.json, the config byte for byte and uncompressed layers named by diff_id', async (t) => {
  const root = await tempRoot(t);
  const image = await storeTestImage(root, twoLayers);
  const file = path.join(tempDir(t), 'docker.tar');
  await saveArchive(root.content, [{ target: image.manifest, names: ['app:v1', 'docker.io/library/app:latest', 'app@' + image.manifest.digest] }], { file }, { format: 'docker' });
  const files = await members(file);
  const manifest = JSON.parse(files.get('manifest.json')!.toString());
  t.deepEqual(manifest, [{
    Config: `blobs/sha256/${image.config.digest.slice(7)}`,
    RepoTags: ['app:v1', 'app:latest'],
    Layers: image.diffIds.map((d) => `blobs/sha256/${d.slice(7)}`),
  }]);
  t.true(files.get(manifest[0].Config)!.equals(fs.readFileSync(root.content.path(image.config.digest))));
  for (const [i, layerPath] of manifest[0].Layers.entries()) {
    const bytes = files.get(layerPath)!;
    t.is(digestBytes(bytes), image.diffIds[i]!);
    t.true(bytes.equals(zlib.gunzipSync(fs.readFileSync(root.content.path(image.layers[i]!.digest)))));
  }
});

(skopeo ? test : test.skip)('skopeo inspects the docker archive kiln writes, with the same config and diff_ids', async (t) => {
  const root = await tempRoot(t);
  const image = await storeTestImage(root, twoLayers, { compression: 'zstd' });
  const file = path.join(tempDir(t), 'docker.tar');
  await saveArchive(root.content, [{ target: image.manifest, names: ['app:v1'] }], { file }, { format: 'docker' });
  const inspected = JSON.parse(await tool('skopeo', ['inspect', `docker-archive:${file}`]));
  t.deepEqual(inspected.RepoTags, []);
  t.deepEqual(inspected.Layers, image.diffIds);
  t.is(inspected.Architecture, 'amd64');
  const raw = JSON.parse(await tool('skopeo', ['inspect', '--raw', `docker-archive:${file}`]));
  t.is(raw.config.digest, image.config.digest);
  const config = await tool('skopeo', ['inspect', '--config', '--raw', `docker-archive:${file}`]);
  t.is(digestBytes(config), image.config.digest);
});

test('kiln reads back its own docker archive: same config digest, uncompressed OCI layers, names registered', async (t) => {
  const root = await tempRoot(t);
  const image = await storeTestImage(root, twoLayers);
  const file = path.join(tempDir(t), 'docker.tar');
  await saveArchive(root.content, [{ target: image.manifest, names: ['app:v1'] }], { file }, { format: 'docker' });
  const target = await tempRoot(t);
  const loaded = await loadArchive(target, file);
  t.is(loaded.format, 'docker-tar');
  t.deepEqual(loaded.named, ['docker.io/library/app:v1']);
  const record = target.images.get('docker.io/library/app:v1');
  const manifest = parseImageManifest((await target.content.readBytes(record.target.digest)).toString());
  t.is(manifest.config.digest, image.config.digest);
  t.deepEqual(manifest.layers.map((l) => [l.mediaType, l.digest]), image.diffIds.map((d) => [MediaType.ociLayer, d]));
  t.deepEqual(record.target.platform, { architecture: 'amd64', os: 'linux' });
});

test('a gzip-compressed docker archive loads like the plain one', async (t) => {
  const root = await tempRoot(t);
  const image = await storeTestImage(root, twoLayers);
  const work = tempDir(t);
  const file = path.join(work, 'docker.tar');
  await saveArchive(root.content, [{ target: image.manifest, names: ['app:v1'] }], { file }, { format: 'docker' });
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(fs.readFileSync(file)));
  const target = await tempRoot(t);
  const result = await importArchive(`${file}.gz`, { content: target.content });
  t.is(result.format, 'docker-tar');
  t.deepEqual(result.images[0]!.names, ['docker.io/library/app:v1']);
  const manifest = parseImageManifest((await target.content.readBytes(result.images[0]!.target.digest)).toString());
  t.is(manifest.config.digest, image.config.digest);
});

test('a gzip layer inside a docker archive is kept compressed and checked against its diff_id', async (t) => {
  const root = await tempRoot(t);
  const image = await storeTestImage(root, [{ 'a': 'x\n' }]);
  const layerTar = await tarOf({ a: 'x\n' });
  const gz = zlib.gzipSync(layerTar);
  const config = fs.readFileSync(root.content.path(image.config.digest));
  const file = path.join(tempDir(t), 'docker.tar');
  const member = (name: string, body: Buffer) => ({ header: { name, type: 'file' as const, mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: 0 }, body });
  fs.writeFileSync(file, await collect(encodeTar([
    member('cfg.json', config),
    member('abc/layer.tar', gz),
    member('manifest.json', Buffer.from(JSON.stringify([{ Config: 'cfg.json', RepoTags: ['gz:1'], Layers: ['abc/layer.tar'] }]))),
  ])));
  const target = await tempRoot(t);
  const result = await importArchive(file, { content: target.content });
  const manifest = parseImageManifest((await target.content.readBytes(result.images[0]!.target.digest)).toString());
  t.deepEqual(manifest.layers.map((l) => [l.mediaType, l.digest]), [[MediaType.ociLayerGzip, digestBytes(gz)]]);
});

test('a docker archive layer that does not match the config diff_id is refused with DataLoss', async (t) => {
  const root = await tempRoot(t);
  const image = await storeTestImage(root, [{ 'a': 'x\n' }]);
  const config = fs.readFileSync(root.content.path(image.config.digest));
  const other = await tarOf({ a: 'tampered\n' });
  const file = path.join(tempDir(t), 'docker.tar');
  const member = (name: string, body: Buffer) => ({ header: { name, type: 'file' as const, mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: 0 }, body });
  fs.writeFileSync(file, await collect(encodeTar([
    member('manifest.json', Buffer.from(JSON.stringify([{ Config: 'c.json', RepoTags: ['bad:1'], Layers: ['l.tar'] }]))),
    member('c.json', config),
    member('l.tar', other),
  ])));
  const target = await tempRoot(t);
  const error = await t.throwsAsync(loadArchive(target, file));
  t.is((error as { code?: string }).code, 'DataLoss');
  t.regex(error!.message, new RegExp(`diff_id ${digestBytes(other)}, but the config says ${image.diffIds[0]}`));
  t.deepEqual(target.images.list(), [], 'nothing is named');
  t.deepEqual(target.leases.list(), [], 'the lease is released');
});

(skopeo ? test : test.skip)('kiln loads what skopeo writes as docker-archive and oci-archive (same config digest)', async (t) => {
  const root = await tempRoot(t);
  const image = await storeTestImage(root, twoLayers);
  const work = tempDir(t);
  const layout = path.join(work, 'layout');
  await saveArchive(root.content, [{ target: image.manifest, names: ['app:v1'] }], { dir: layout }, { format: 'oci' });
  await tool('skopeo', ['copy', `oci:${layout}:v1`, `docker-archive:${path.join(work, 'd.tar')}:example.com/app:v1`]);
  await tool('skopeo', ['copy', `oci:${layout}:v1`, `oci-archive:${path.join(work, 'o.tar')}:v9`]);

  const fromDocker = await tempRoot(t);
  const docker = await loadArchive(fromDocker, path.join(work, 'd.tar'));
  t.is(docker.format, 'docker-tar');
  t.deepEqual(docker.named, ['example.com/app:v1']);
  const manifest = parseImageManifest((await fromDocker.content.readBytes(fromDocker.images.get('example.com/app:v1').target.digest)).toString());
  t.is(manifest.config.digest, image.config.digest);
  t.deepEqual(manifest.layers.map((l) => l.digest), image.diffIds);

  const fromOci = await tempRoot(t);
  const oci = await loadArchive(fromOci, path.join(work, 'o.tar'), { defaultRepository: 'example.com/app' });
  t.is(oci.format, 'oci-tar');
  t.deepEqual(oci.named, ['example.com/app:v9']);
  const ociManifest = parseImageManifest((await fromOci.content.readBytes(oci.images[0]!.target.digest)).toString());
  t.is(ociManifest.config.digest, image.config.digest);
  const listing = await listArchive(path.join(work, 'd.tar'));
  t.deepEqual(listing.images.map((i) => i.names), [['example.com/app:v1']]);
});
