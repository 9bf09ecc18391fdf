import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { LocalContentStore } from '@kiln/content';
import { MediaType, type Descriptor } from '@kiln/oci';
import { RegistryClient, RegistryError, type TransferProgress } from '@kiln/registry';
import { startRegistry, type RunningRegistry } from './support/registry-process.ts';
import { makeIndex, makeTinyImage, sha256, storeBlobs, writeOciLayout, type Blob } from './support/tiny-image.ts';

let registry: RunningRegistry;
let work: string;
const anonymous = async (): Promise<undefined> => undefined;
const client = (): RegistryClient => new RegistryClient({ credentials: anonymous, retry: { baseDelayMs: 10 } });

async function newStore(): Promise<LocalContentStore> {
  return LocalContentStore.open(fs.mkdtempSync(path.join(work, 'store-')));
}

function skopeo(...args: string[]): string {
  return execFileSync('skopeo', ['--insecure-policy', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

test.before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-registry-test-'));
  registry = await startRegistry();
});

test.after.always(async () => {
  await registry?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

async function pushTiny(repo: string, image = makeTinyImage({ label: repo })): Promise<{ image: ReturnType<typeof makeTinyImage>; ref: string }> {
  const store = await newStore();
  await storeBlobs(store, image.blobs);
  const ref = `${registry.host}/${repo}:v1`;
  await client().push(ref, store, image.manifest.descriptor);
  return { image, ref };
}

test('kiln pushes an image and pulls it back with identical digests and bytes', async (t) => {
  const { image, ref } = await pushTiny('round/trip');
  const into = await newStore();
  const events: TransferProgress[] = [];
  const result = await client().pull(ref, into, { platform: { os: 'linux', architecture: 'amd64' }, onProgress: (e) => events.push(e) });
  t.is(result.root.digest, image.manifest.descriptor.digest);
  t.is(result.manifest.digest, image.manifest.descriptor.digest);
  t.is(result.config.digest, image.config.descriptor.digest);
  t.deepEqual(result.layers.map((l) => l.digest), image.layers.map((l) => l.descriptor.digest));
  t.deepEqual(result.imageConfig.config?.Cmd, ['/bin/tool']);
  for (const blob of image.blobs) t.deepEqual(Buffer.from(await into.readBytes(blob.descriptor.digest)), blob.bytes);
  t.true(events.some((e) => e.status === 'done' && e.descriptor.digest === image.layers[0]!.descriptor.digest && e.current === e.total));
});

test('resolve returns the manifest bytes, media type and a digest that matches the registry', async (t) => {
  const { image, ref } = await pushTiny('resolve/me');
  const resolved = await client().resolve(ref);
  t.is(resolved.descriptor.mediaType, MediaType.ociManifest);
  t.is(resolved.descriptor.digest, image.manifest.descriptor.digest);
  t.deepEqual(Buffer.from(resolved.bytes), image.manifest.bytes);
  const byDigest = await client().resolve(`${registry.host}/resolve/me@${image.manifest.descriptor.digest}`);
  t.is(byDigest.descriptor.digest, image.manifest.descriptor.digest);
});

test('a second push finds every blob present (HEAD) and uploads nothing', async (t) => {
  const image = makeTinyImage({ label: 'again' });
  const store = await newStore();
  await storeBlobs(store, image.blobs);
  await client().push(`${registry.host}/push/again:a`, store, image.manifest.descriptor);
  const events: TransferProgress[] = [];
  await client().push(`${registry.host}/push/again:b`, store, image.manifest.descriptor, { onProgress: (e) => events.push(e) });
  const statuses = new Set(events.map((e) => e.status));
  t.deepEqual([...statuses], ['exists']);
  t.true(await client().blobExists(`${registry.host}/push/again`, image.layers[0]!.descriptor.digest));
  t.false(await client().blobExists(`${registry.host}/push/again`, sha256(Buffer.from('absent'))));
});

test('chunked uploads (PATCH with Content-Range, then PUT) store the same blob', async (t) => {
  const big = Buffer.alloc(300_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 0xff;
  const image = makeTinyImage({ files: [{ 'data/big.bin': big }], label: 'chunked' });
  const store = await newStore();
  await storeBlobs(store, image.blobs);
  const chunked = new RegistryClient({ credentials: anonymous, uploadChunkSize: 64 * 1024 });
  const progress: number[] = [];
  await chunked.push(`${registry.host}/push/chunked:v1`, store, image.manifest.descriptor, {
    onProgress: (e) => e.descriptor.digest === image.layers[0]!.descriptor.digest && e.status === 'progress' && progress.push(e.current),
  });
  const into = await newStore();
  const result = await client().pull(`${registry.host}/push/chunked:v1`, into);
  t.is(result.layers[0]!.digest, image.layers[0]!.descriptor.digest);
  t.deepEqual(Buffer.from(await into.readBytes(image.layers[0]!.descriptor.digest)), image.layers[0]!.bytes);
  t.is(progress.at(-1), image.layers[0]!.descriptor.size);
});

test('cross-repository mount links a blob without uploading it', async (t) => {
  const { image } = await pushTiny('mount/source');
  const layer = image.layers[0]!.descriptor;
  t.false(await client().blobExists(`${registry.host}/mount/target`, layer.digest));
  t.true(await client().mountBlob(`${registry.host}/mount/target`, layer, 'mount/source'));
  t.true(await client().blobExists(`${registry.host}/mount/target`, layer.digest));
  t.false(await client().mountBlob(`${registry.host}/mount/other`, { ...layer, digest: sha256(Buffer.from('nope')) }, 'mount/source'));
  // push with mountFrom reports mounts instead of uploads
  const store = await newStore();
  await storeBlobs(store, image.blobs);
  const events: TransferProgress[] = [];
  await client().push(`${registry.host}/mount/pushed:v1`, store, image.manifest.descriptor, { mountFrom: ['mount/source'], onProgress: (e) => events.push(e) });
  t.true(events.filter((e) => e.status === 'mounted').length >= 2);
  t.false(events.some((e) => e.status === 'started'));
});

test('pull selects the host-compatible manifest from an index and pushes indexes children first', async (t) => {
  const amd = makeTinyImage({ label: 'amd64', platform: { os: 'linux', architecture: 'amd64' } });
  const arm = makeTinyImage({ label: 'arm64', files: [{ 'etc/arch': 'arm64\n' }], platform: { os: 'linux', architecture: 'arm64' } });
  const { index, blobs } = makeIndex([
    { image: arm, platform: { os: 'linux', architecture: 'arm64' } },
    { image: amd, platform: { os: 'linux', architecture: 'amd64' } },
  ]);
  const store = await newStore();
  await storeBlobs(store, blobs);
  await client().push(`${registry.host}/multi/arch:v1`, store, index.descriptor);
  const into = await newStore();
  const arm64 = await client().pull(`${registry.host}/multi/arch:v1`, into, { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
  t.is(arm64.root.digest, index.descriptor.digest);
  t.is(arm64.root.mediaType, MediaType.ociIndex);
  t.is(arm64.manifest.digest, arm.manifest.descriptor.digest);
  t.false(await into.has(amd.layers[0]!.descriptor.digest));
  const amd64 = await client().pull(`${registry.host}/multi/arch:v1`, into, { platform: { os: 'linux', architecture: 'amd64' } });
  t.is(amd64.manifest.digest, amd.manifest.descriptor.digest);
  const error = await t.throwsAsync(client().pull(`${registry.host}/multi/arch:v1`, into, { platform: { os: 'linux', architecture: 's390x' } }));
  t.is((error as RegistryError).code, 'NotFound');
  t.regex(error!.message, /no manifest for platform linux\/s390x.*linux\/arm64, linux\/amd64/);
});

test('errors name the reference and carry the registry code: MANIFEST_UNKNOWN, NAME_UNKNOWN, BLOB_UNKNOWN, MANIFEST_BLOB_UNKNOWN', async (t) => {
  await pushTiny('errors/present');
  const missingTag = await t.throwsAsync(client().resolve(`${registry.host}/errors/present:nope`));
  t.true(missingTag instanceof RegistryError);
  t.is((missingTag as RegistryError).code, 'NotFound');
  t.is((missingTag as RegistryError).registryCode, 'MANIFEST_UNKNOWN');
  t.regex(missingTag!.message, new RegExp(`${registry.host}/errors/present:nope.*MANIFEST_UNKNOWN`));
  t.is((missingTag as RegistryError).status, 404);

  const missingRepo = (await t.throwsAsync(client().resolve(`${registry.host}/errors/absent:v1`))) as RegistryError;
  t.is(missingRepo.code, 'NotFound');
  t.regex(missingRepo.message, /errors\/absent:v1/);

  const blob: Descriptor = { mediaType: MediaType.ociLayerGzip, digest: sha256(Buffer.from('x')), size: 1 };
  const missingBlob = (await t.throwsAsync(client().fetchBlob(`${registry.host}/errors/present`, blob, await newStore()))) as RegistryError;
  t.is(missingBlob.code, 'NotFound');
  t.is(missingBlob.registryCode, 'BLOB_UNKNOWN');

  // A manifest whose layer is neither in the registry nor in the store: the store's NotFound names the digest.
  const image = makeTinyImage({ label: 'orphan' });
  const store = await newStore();
  await storeBlobs(store, [image.manifest]);
  const orphan = await t.throwsAsync(client().push(`${registry.host}/errors/orphan:v1`, store, image.manifest.descriptor));
  t.is((orphan as { code?: string }).code, 'NotFound');
  t.true(orphan!.message.includes(image.layers[0]!.descriptor.digest) || orphan!.message.includes(image.config.descriptor.digest));
});

test('a registry failure that persists (500 UNKNOWN for an over-long name) is retried, then reported with the registry code', async (t) => {
  // Parsed references cannot be this long, so hand the client a reference object directly, as a caller holding one could.
  const error = (await t.throwsAsync(client().resolve({ domain: registry.host, path: `${'a'.repeat(200)}/${'b'.repeat(60)}`, tag: 'v1' }))) as RegistryError;
  t.true(error instanceof RegistryError);
  t.is(error.code, 'Unavailable');
  t.is(error.status, 500);
  t.is(error.registryCode, 'UNKNOWN');
  t.true(error.message.includes(`${registry.host}/${'a'.repeat(200)}`));
});

test('a push by digest must name the content pushed', async (t) => {
  const image = makeTinyImage({ label: 'bydigest' });
  const store = await newStore();
  await storeBlobs(store, image.blobs);
  const mismatch = (await t.throwsAsync(client().push(`${registry.host}/bad/digest@${image.config.descriptor.digest}`, store, image.manifest.descriptor))) as RegistryError;
  t.is(mismatch.code, 'InvalidArgument');
  await client().push(`${registry.host}/good/digest@${image.manifest.descriptor.digest}`, store, image.manifest.descriptor);
  t.is((await client().resolve(`${registry.host}/good/digest@${image.manifest.descriptor.digest}`)).descriptor.digest, image.manifest.descriptor.digest);
});

test('skopeo pushes, kiln pulls: digests and bytes identical (OCI, and Docker schema 2 as skopeo converts it)', async (t) => {
  const image = makeTinyImage({ label: 'from-skopeo' });
  const layout = fs.mkdtempSync(path.join(work, 'layout-'));
  writeOciLayout(layout, image.blobs, image.manifest.descriptor, 'v1');
  skopeo('copy', '--preserve-digests', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${registry.host}/from/skopeo:v1`);
  const into = await newStore();
  const result = await client().pull(`${registry.host}/from/skopeo:v1`, into);
  t.is(result.manifest.digest, image.manifest.descriptor.digest);
  for (const blob of image.blobs) t.deepEqual(Buffer.from(await into.readBytes(blob.descriptor.digest)), blob.bytes);

  skopeo('copy', '--format', 'v2s2', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${registry.host}/from/skopeo:docker`);
  const raw = execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/from/skopeo:docker`]);
  const docker = await client().pull(`${registry.host}/from/skopeo:docker`, into);
  t.is(docker.manifest.mediaType, MediaType.dockerManifest);
  t.is(docker.manifest.digest, sha256(raw));
  t.deepEqual(docker.layers.map((l) => l.digest), image.layers.map((l) => l.descriptor.digest));
});

test('kiln pushes, skopeo inspects and copies: digests identical', async (t) => {
  const { image, ref } = await pushTiny('to/skopeo');
  const raw = execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]);
  t.is(sha256(raw), image.manifest.descriptor.digest);
  const info = JSON.parse(skopeo('inspect', '--tls-verify=false', `docker://${ref}`)) as { Digest: string; Layers: string[] };
  t.is(info.Digest, image.manifest.descriptor.digest);
  t.deepEqual(info.Layers, image.layers.map((l) => l.descriptor.digest));
  const out = fs.mkdtempSync(path.join(work, 'skopeo-out-'));
  skopeo('copy', '--preserve-digests', '--src-tls-verify=false', `docker://${ref}`, `oci:${out}:v1`);
  for (const blob of image.blobs as Blob[]) {
    t.deepEqual(fs.readFileSync(path.join(out, 'blobs', 'sha256', blob.descriptor.digest.slice(7))), blob.bytes);
  }
});
