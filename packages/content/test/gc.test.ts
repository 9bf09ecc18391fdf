import fs from 'node:fs';
import test from 'ava';
import { garbageCollect, openContentRoot, type ContentRoot } from '@kiln/content';
import { MediaType, serializeImageIndex, serializeImageManifest, type Descriptor, type Digest } from '@kiln/oci';
import { collect, tempRoot } from './support/temp-root.ts';

async function blob(root: ContentRoot, text: string, mediaType: string): Promise<Descriptor> {
  const { digest, size } = await root.content.writeBytes(text);
  return { mediaType, digest, size };
}

async function manifest(root: ContentRoot, name: string, layers: Descriptor[]): Promise<Descriptor> {
  const config = await blob(root, `{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"name":"${name}"}`, MediaType.ociConfig);
  const text = serializeImageManifest({ schemaVersion: 2, mediaType: MediaType.ociManifest, config, layers });
  return blob(root, text, MediaType.ociManifest);
}

/** An image: index → two manifests → config + layers, one layer shared by both. */
async function image(root: ContentRoot, name: string): Promise<{ index: Descriptor; all: Digest[] }> {
  const shared = await blob(root, `shared layer of ${name}`, MediaType.ociLayerGzip);
  const amdLayer = await blob(root, `amd64 layer of ${name}`, MediaType.ociLayerGzip);
  const armLayer = await blob(root, `arm64 layer of ${name}`, MediaType.dockerLayerGzip);
  const amd = await manifest(root, `${name}-amd64`, [shared, amdLayer]);
  const arm = await manifest(root, `${name}-arm64`, [shared, armLayer]);
  const indexText = serializeImageIndex({
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: [
      { ...amd, platform: { os: 'linux', architecture: 'amd64' } },
      { ...arm, platform: { os: 'linux', architecture: 'arm64' } },
    ],
  });
  const index = await blob(root, indexText, MediaType.ociIndex);
  const configs = await Promise.all([amd, arm].map(async (m) => JSON.parse((await root.content.readBytes(m.digest)).toString()).config.digest as Digest));
  return { index, all: [index.digest, amd.digest, arm.digest, ...configs, shared.digest, amdLayer.digest, armLayer.digest] };
}

async function stored(root: ContentRoot): Promise<Set<Digest>> {
  return new Set((await collect(root.content.walk())).map((i) => i.digest));
}

async function openRoot(t: Parameters<typeof tempRoot>[0]): Promise<ContentRoot> {
  const root = await openContentRoot(tempRoot(t));
  t.teardown(() => root.close());
  return root;
}

test('GC removes unreferenced blobs and keeps everything an image name reaches through index, manifests, configs and layers', async (t) => {
  const root = await openRoot(t);
  const named = await image(root, 'app');
  const orphan = await image(root, 'orphan');
  const loose = await blob(root, 'loose bytes', 'application/octet-stream');
  root.images.put('docker.io/library/app:latest', named.index);

  const result = await garbageCollect({ content: root.content, db: root.db, minAgeMs: 0 });
  const left = await stored(root);
  t.deepEqual([...left].sort(), [...new Set(named.all)].sort());
  t.deepEqual([...result.removed].sort(), [...new Set([...orphan.all, loose.digest])].sort());
  t.true(result.removedBytes > 0);
});

test('GC follows lease resources (sniffing an untyped manifest) and gc roots, and drops expired leases', async (t) => {
  let now = Date.now();
  const root = await openRoot(t);
  const { Leases } = await import('@kiln/content');
  const leases = new Leases(root.db, { now: () => now });
  const leased = await image(root, 'leased');
  const pinned = await image(root, 'pinned');
  const expiring = await image(root, 'expiring');
  const amdManifest = leased.all[1]!;
  const lease = leases.create({ ttlMs: 10_000 });
  leases.addResources(lease.id, [{ digest: amdManifest }]); // no media type: GC sniffs the JSON
  const short = leases.create({ ttlMs: 10 });
  leases.addResources(short.id, [{ digest: expiring.index.digest, mediaType: MediaType.ociIndex }]);
  root.gcRoots.set('cache', [{ digest: pinned.index.digest, mediaType: MediaType.ociIndex }]);

  now = Date.now() + 1000; // past the short lease, within the long one, after every commit
  const result = await garbageCollect({ content: root.content, db: root.db, minAgeMs: 0, now });
  t.deepEqual(result.expiredLeases, [short.id]);
  const left = await stored(root);
  const amdReach = [amdManifest, leased.all[3]!, leased.all[5]!, leased.all[6]!];
  for (const digest of [...amdReach, ...pinned.all]) t.true(left.has(digest), `kept ${digest}`);
  for (const digest of expiring.all) t.false(left.has(digest), `removed ${digest}`);
  t.false(left.has(leased.index.digest), 'the index nobody references goes');
  t.false(left.has(leased.all[7]!), 'the arm64 layer only the unreferenced index reached goes');

  leases.delete(lease.id);
  root.gcRoots.delete('cache');
  await garbageCollect({ content: root.content, db: root.db, minAgeMs: 0, now });
  t.is((await stored(root)).size, 0);
});

test('GC keeps fresh unreferenced blobs within the grace period', async (t) => {
  const root = await openRoot(t);
  const fresh = await blob(root, 'just committed', 'application/octet-stream');
  const result = await garbageCollect({ content: root.content, db: root.db });
  t.deepEqual(result.removed, []);
  t.true(await root.content.has(fresh.digest));
});

test('GC tolerates referenced blobs that are not stored (lazy layers)', async (t) => {
  const root = await openRoot(t);
  const named = await image(root, 'lazy');
  await root.content.delete(named.all[5]!);
  root.images.put('lazy', named.index);
  const result = await garbageCollect({ content: root.content, db: root.db, minAgeMs: 0 });
  t.deepEqual(result.removed, []);
});

test('GC deletes nothing when a referenced manifest is corrupt', async (t) => {
  const root = await openRoot(t);
  const named = await image(root, 'corrupt');
  const loose = await blob(root, 'loose', 'application/octet-stream');
  root.images.put('corrupt', named.index);
  const manifestPath = root.content.path(named.all[1]!);
  fs.writeFileSync(manifestPath, '{"broken": true}');
  const error = await t.throwsAsync(garbageCollect({ content: root.content, db: root.db, minAgeMs: 0 }));
  t.is((error as { code?: string }).code, 'DataLoss');
  t.true(await root.content.has(loose.digest));
  t.false(root.db.isTransaction);
});
