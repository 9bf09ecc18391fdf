import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { importArchive, loadArchive, saveArchive } from '@kiln/archive';
import type { ContentRoot } from '@kiln/content';
import { MediaType, parseImageConfig, parseImageManifest, serializeImageIndex, serializeImageManifest, type Descriptor } from '@kiln/oci';
import { hasTool, storeTestImage, tempDir, tempRoot, tool, twoLayers } from './support/images.ts';
import { repoRoot } from '../../../test/support/shared.ts';

/** An index with an amd64 and an arm64 image and a BuildKit-style attestation manifest. */
async function storeIndex(root: ContentRoot): Promise<{ index: Descriptor; amd64: Descriptor; arm64: Descriptor; attestation: Descriptor; statement: Descriptor }> {
  const amd64 = await storeTestImage(root, twoLayers);
  const armConfig = (await root.content.readBytes(amd64.config.digest)).toString().replace('"amd64"', '"arm64"');
  const armConfigStored = await root.content.writeBytes(armConfig);
  const armManifest = serializeImageManifest({
    schemaVersion: 2, mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: armConfigStored.digest, size: armConfigStored.size }, layers: amd64.layers,
  });
  const armStored = await root.content.writeBytes(armManifest);
  const statementStored = await root.content.writeBytes('{"_type":"https://in-toto.io/Statement/v0.1"}');
  const statement: Descriptor = { mediaType: 'application/vnd.in-toto+json', digest: statementStored.digest, size: statementStored.size };
  const emptyStored = await root.content.writeBytes('{}');
  const attestationStored = await root.content.writeBytes(serializeImageManifest({
    schemaVersion: 2, mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociEmpty, digest: emptyStored.digest, size: emptyStored.size }, layers: [statement],
  }));
  const arm64: Descriptor = { mediaType: MediaType.ociManifest, digest: armStored.digest, size: armStored.size, platform: { architecture: 'arm64', os: 'linux' } };
  const attestation: Descriptor = {
    mediaType: MediaType.ociManifest, digest: attestationStored.digest, size: attestationStored.size,
    platform: { architecture: 'unknown', os: 'unknown' },
    annotations: { 'vnd.docker.reference.digest': amd64.manifest.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
  };
  const indexStored = await root.content.writeBytes(serializeImageIndex({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [amd64.manifest, arm64, attestation] }));
  return { index: { mediaType: MediaType.ociIndex, digest: indexStored.digest, size: indexStored.size }, amd64: amd64.manifest, arm64, attestation, statement };
}

test('a multi-platform index with attestations round-trips through an OCI tar with every blob', async (t) => {
  const root = await tempRoot(t);
  const stored = await storeIndex(root);
  const file = path.join(tempDir(t), 'index.tar');
  await saveArchive(root.content, [{ target: stored.index, names: ['multi:v1'] }], { file }, { format: 'oci' });
  const target = await tempRoot(t);
  const result = await loadArchive(target, file);
  t.is(target.images.get('docker.io/library/multi:v1').target.digest, stored.index.digest);
  t.is(result.images[0]!.target.mediaType, MediaType.ociIndex);
  for (const d of [stored.index, stored.amd64, stored.arm64, stored.attestation, stored.statement]) t.true(await target.content.has(d.digest), d.digest);
});

test('a docker archive of an index holds the requested platform (and never the attestation)', async (t) => {
  const root = await tempRoot(t);
  const stored = await storeIndex(root);
  const work = tempDir(t);
  for (const [platform, manifest] of [[{ os: 'linux', architecture: 'arm64' }, stored.arm64], [undefined, stored.amd64]] as const) {
    const file = path.join(work, `${platform?.architecture ?? 'host'}.tar`);
    await saveArchive(root.content, [{ target: stored.index, names: ['multi:v1'] }], { file }, { format: 'docker', ...(platform ? { platform } : {}) });
    const target = await tempRoot(t);
    const result = await importArchive(file, { content: target.content });
    const loaded = parseImageManifest((await target.content.readBytes(result.images[0]!.target.digest)).toString());
    const expected = parseImageManifest((await root.content.readBytes(manifest.digest)).toString());
    t.is(loaded.config.digest, expected.config.digest);
  }
  const error = await t.throwsAsync(saveArchive(root.content, [{ target: stored.index, names: ['m:1'] }], { file: path.join(work, 's.tar') }, { format: 'docker', platform: { os: 'linux', architecture: 's390x' } }));
  t.is((error as { code?: string }).code, 'NotFound');
  t.regex(error!.message, /no image for linux\/s390x \(it has: linux\/amd64, linux\/arm64\)/);
});

const makeBusybox = path.join(repoRoot, 'fixtures', 'images', 'make-busybox.sh');
const fixtureReady = fs.existsSync(makeBusybox) && fs.existsSync('/bin/busybox') && hasTool('skopeo') && hasTool('umoci');

(fixtureReady ? test : test.skip)('the busybox fixture loads, saves as a docker archive skopeo reads, and unpacks with umoci', async (t) => {
  const work = tempDir(t);
  await promisify(execFile)('bash', [makeBusybox, path.join(work, 'fixture')]);
  const root = await tempRoot(t);
  const loaded = await loadArchive(root, path.join(work, 'fixture'), { defaultRepository: 'busybox' });
  t.is(loaded.format, 'oci-dir');
  t.deepEqual(loaded.named, ['docker.io/library/busybox:latest']);
  const target = root.images.get('docker.io/library/busybox:latest').target;
  const images = [{ target, names: ['busybox:latest'] }];
  await saveArchive(root.content, images, { file: path.join(work, 'docker.tar') }, { format: 'docker' });
  const inspected = JSON.parse(await tool('skopeo', ['inspect', `docker-archive:${path.join(work, 'docker.tar')}`]));
  const manifest = parseImageManifest((await root.content.readBytes(target.digest)).toString());
  const config = parseImageConfig((await root.content.readBytes(manifest.config.digest)).toString());
  t.deepEqual(inspected.Layers, config.rootfs.diff_ids);
  await saveArchive(root.content, images, { dir: path.join(work, 'out') }, { format: 'oci' });
  await tool('umoci', ['unpack', ...(process.getuid?.() === 0 ? [] : ['--rootless']), '--image', `${path.join(work, 'out')}:latest`, path.join(work, 'bundle')]);
  t.true(fs.statSync(path.join(work, 'bundle', 'rootfs', 'bin', 'busybox')).isFile());
  t.is(fs.readlinkSync(path.join(work, 'bundle', 'rootfs', 'bin', 'sh')), 'busybox');
});
