import path from 'node:path';
import test from 'ava';
import { defaultKilnRoot, ImageStore, Leases, openContentRoot, openMetadataDatabase } from '@kiln/content';
import { MediaType, type Descriptor, type Digest } from '@kiln/oci';
import { tempRoot } from './support/temp-root.ts';

const target: Descriptor = { mediaType: MediaType.ociIndex, digest: `sha256:${'a'.repeat(64)}` as Digest, size: 321, annotations: { k: 'v' } };

test('defaultKilnRoot follows KILN_ROOT, then root, then XDG_DATA_HOME, then ~/.local/share', (t) => {
  t.is(defaultKilnRoot({ KILN_ROOT: '/srv/k' }, 0), '/srv/k');
  t.is(defaultKilnRoot({}, 0), '/var/lib/kiln');
  t.is(defaultKilnRoot({ XDG_DATA_HOME: '/x/data', HOME: '/home/u' }, 1000), '/x/data/kiln');
  t.is(defaultKilnRoot({ HOME: '/home/u' }, 1000), '/home/u/.local/share/kiln');
});

test('the metadata database is in WAL mode with foreign keys and a busy timeout', (t) => {
  const db = openMetadataDatabase(path.join(tempRoot(t), 'metadata.db'));
  t.teardown(() => db.close());
  t.is((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
  t.is((db.prepare('PRAGMA foreign_keys').get() as { foreign_keys: number }).foreign_keys, 1);
  t.is((db.prepare('PRAGMA busy_timeout').get() as { timeout: number }).timeout, 10_000);
});

test('images: put, get, replace keeping createdAt, list by prefix, delete', async (t) => {
  let now = 100;
  const root = await openContentRoot(tempRoot(t));
  t.teardown(() => root.close());
  const images = new ImageStore(root.db, { now: () => now });
  const first = images.put('docker.io/library/app:1', target, { origin: 'build' });
  t.deepEqual(first, { name: 'docker.io/library/app:1', target, labels: { origin: 'build' }, createdAt: 100, updatedAt: 100 });
  now = 200;
  const replaced = images.put('docker.io/library/app:1', { ...target, size: 9 });
  t.is(replaced.createdAt, 100);
  t.is(replaced.updatedAt, 200);
  t.is(replaced.target.size, 9);
  images.put('docker.io/library/other:1', target);
  t.deepEqual(images.list({ prefix: 'docker.io/library/app' }).map((i) => i.name), ['docker.io/library/app:1']);
  t.is(images.list().length, 2);
  images.delete('docker.io/library/app:1');
  t.is(images.find('docker.io/library/app:1'), undefined);
  t.is(((t.throws(() => images.get('docker.io/library/app:1'))) as { code?: string }).code, 'NotFound');
  t.is(((t.throws(() => images.put('x', { ...target, digest: 'sha256:bad' as Digest }))) as { code?: string }).code, 'InvalidArgument');
});

test('images: retarget moves every name of one manifest to another, keeping labels and createdAt', async (t) => {
  let now = 100;
  const root = await openContentRoot(tempRoot(t));
  t.teardown(() => root.close());
  const images = new ImageStore(root.db, { now: () => now });
  const old: Descriptor = { mediaType: MediaType.ociManifest, digest: `sha256:${'b'.repeat(64)}` as Digest, size: 10 };
  const other: Descriptor = { ...old, digest: `sha256:${'c'.repeat(64)}` as Digest };
  images.put('b:1', old, { origin: 'build' });
  images.put('a:1', old);
  images.put('c:1', other);
  now = 300;
  const to: Descriptor = { ...old, digest: `sha256:${'d'.repeat(64)}` as Digest, size: 20 };
  t.deepEqual(images.retarget(old.digest, to), ['a:1', 'b:1']);
  t.deepEqual(images.get('b:1'), { name: 'b:1', target: to, labels: { origin: 'build' }, createdAt: 100, updatedAt: 300 });
  t.deepEqual(images.get('a:1').target, to);
  t.deepEqual(images.get('c:1').target, other);
  t.deepEqual(images.retarget(old.digest, to), [], 'nothing points at the old manifest any more');
  t.is(((t.throws(() => images.retarget(old.digest, { ...to, digest: 'sha256:bad' as Digest }))) as { code?: string }).code, 'InvalidArgument');
});

test('images written by one connection are seen by another (two handles on one file)', async (t) => {
  const dir = tempRoot(t);
  const a = await openContentRoot(dir);
  const b = await openContentRoot(dir);
  t.teardown(() => {
    a.close();
    b.close();
  });
  a.images.put('shared', target);
  t.deepEqual(b.images.get('shared').target, target);
});

test('leases: create, resources, renew, expiry fields, duplicate ids, delete cascades', async (t) => {
  let now = 1000;
  const root = await openContentRoot(tempRoot(t));
  t.teardown(() => root.close());
  const leases = new Leases(root.db, { now: () => now });
  const lease = leases.create({ id: 'build-1', ttlMs: 500, labels: { job: 'x' } });
  t.deepEqual(lease, { id: 'build-1', labels: { job: 'x' }, createdAt: 1000, expiresAt: 1500 });
  t.is(((t.throws(() => leases.create({ id: 'build-1' }))) as { code?: string }).code, 'AlreadyExists');
  t.is(leases.create({ ttlMs: null }).expiresAt, undefined);
  leases.addResources('build-1', [{ digest: target.digest, mediaType: target.mediaType }, { digest: target.digest }]);
  t.deepEqual(leases.resources('build-1'), [{ digest: target.digest, mediaType: target.mediaType }]);
  now = 1400;
  leases.renew('build-1', 1000);
  t.is(leases.get('build-1').expiresAt, 2400);
  leases.delete('build-1');
  t.is(root.db.prepare('SELECT count(*) AS n FROM content_lease_resources').get()!.n, 0);
  t.is(((t.throws(() => leases.addResources('build-1', []))) as { code?: string }).code, 'NotFound');
});
