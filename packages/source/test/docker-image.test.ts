import test, { type ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadArchive } from '@kiln/archive';
import { imageRef, resolveImage } from '@kiln/source';
import { repoRoot } from '../../../test/support/shared.ts';
import { listTree, openTestRoot, tempDir } from './helpers.ts';

const hasBusybox = fs.existsSync('/bin/busybox');

async function rootWithBusybox(t: ExecutionContext) {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const layout = path.join(tempDir(t), 'busybox');
  execFileSync(path.join(repoRoot, 'fixtures/images/make-busybox.sh'), [layout], { cwd: repoRoot, stdio: 'ignore' });
  const loaded = await loadArchive(r.contentRoot, layout, { defaultRepository: 'docker.io/library/busybox' });
  return { r, loaded };
}

if (!hasBusybox) test.skip('docker-image source tests need /bin/busybox (apt-get install busybox-static)', () => {});
else {
  test('an image in kiln\'s store resolves without a registry and unpacks into a shared chain', async (t) => {
    const { r, loaded } = await rootWithBusybox(t);
    t.deepEqual(loaded.named, ['docker.io/library/busybox:latest']);
    const deps = { images: r.contentRoot.images, content: r.contentRoot.content, leases: r.contentRoot.leases };
    const image = await resolveImage(deps, 'busybox');
    t.is(image.origin, 'store');
    t.regex(image.ref, /^docker\.io\/library\/busybox:latest@sha256:[0-9a-f]{64}$/);
    t.deepEqual(image.config.rootfs.diff_ids, image.layers.map((l) => l.diffId));
    const byDigest = await resolveImage(deps, image.ref);
    t.is(byDigest.digest, image.digest, 'a pinned reference resolves from content');
    const ref = await imageRef(r.cache, image);
    const again = await imageRef(r.cache, image);
    t.is(again.id, ref.id);
    t.is(r.cache.stats.layersApplied, image.layers.length, 'each layer applied once');
    const view = await ref.mount();
    t.true((await listTree(view.mounts)).includes('bin/busybox'));
    await view.release();
    t.deepEqual((await ref.layers()).map((l) => l.descriptor.digest), image.layers.map((l) => l.descriptor.digest), 'original blobs');
    await Promise.all([ref.release(), again.release()]);
  });

  test('--pull without a registry, or an unknown image, is NotFound', async (t) => {
    const { r } = await rootWithBusybox(t);
    const deps = { images: r.contentRoot.images, content: r.contentRoot.content, leases: r.contentRoot.leases };
    await t.throwsAsync(resolveImage(deps, 'busybox', undefined, { pull: true }), { message: /no registry is configured/ });
    await t.throwsAsync(resolveImage(deps, 'alpine:3'), { message: /"alpine:3" is not in kiln's image store/ });
  });
}
