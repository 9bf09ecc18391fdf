import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import test, { type ExecutionContext } from 'ava';
import { exportOutputs, parseOutputSpec, treeTar, type ExportableRef } from '@kiln/exporter';
import type { ContentRoot } from '@kiln/content';
import type { ImageConfig } from '@kiln/oci';
import { busyboxAvailable, fakeRef, hasTool, isRoot, layerFromScript, loadBusybox, tempDir, tempRoot, testLayerScript, tool } from './support/fixture.ts';
import { mountsContaining, refTree, tarTree, walkTree } from './support/tree.ts';

const ready = busyboxAvailable && isRoot;
const withTools = ready && hasTool('skopeo') && hasTool('umoci') && hasTool('runc');

interface Built {
  readonly root: ContentRoot;
  readonly ref: ExportableRef & { mounted: () => number };
  readonly config: ImageConfig;
  readonly work: string;
}

/** busybox + the test layer (every kind of entry), and the config a Dockerfile with `CMD cat /app/hello.txt` gets. */
async function build(t: ExecutionContext): Promise<Built> {
  const root = await tempRoot(t);
  const busybox = await loadBusybox(root);
  const added = await layerFromScript(t, root, testLayerScript);
  const ref = fakeRef(t, root, [...busybox.layers, added]);
  const config: ImageConfig = {
    ...busybox.config,
    config: { ...busybox.config.config, Cmd: ['cat', '/app/greeting.txt'] },
    history: [...(busybox.config.history ?? []), { created_by: 'COPY . / # buildkit', comment: 'buildkit.dockerfile.v0' }],
  };
  return { root, ref, config, work: tempDir(t) };
}

(withTools ? test : test.skip)('type=oci writes a layout tar skopeo inspects and umoci unpacks into a bundle runc runs', async (t) => {
  const { root, ref, config, work } = await build(t);
  const file = path.join(work, 'image.tar');
  // A fixed clock, so the stored image and the archived one get the same `created`.
  const now = (): number => Date.UTC(2026, 0, 1);
  const result = await exportOutputs({ root: ref, config }, [parseOutputSpec(`type=oci,dest=${file},name=extra:2`)], { contentRoot: root, now }, { tags: ['app:1'] });
  t.teardown(() => result.release());
  t.deepEqual(root.images.list().map((i) => i.name), ['docker.io/library/app:1', 'docker.io/library/busybox:latest']);
  // An image written to an archive (gzip, as buildx) is the one the store keeps too: one image.
  t.is(result.images.length, 1);
  const image = result.images[0]!;
  t.is(image, result.image!);
  const inspected = JSON.parse(await tool('skopeo', ['inspect', `oci-archive:${file}:1`])) as { Digest: string; Layers: string[] };
  t.is(inspected.Digest, image.digest);
  t.deepEqual(inspected.Layers, image.layers.map((l) => l.descriptor.digest));

  const layout = path.join(work, 'layout');
  fs.mkdirSync(layout);
  await tool('tar', ['-xf', file, '-C', layout]);
  const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations: Record<string, string> }[] };
  t.deepEqual(index.manifests.map((m) => m.annotations['io.containerd.image.name']), ['docker.io/library/extra:2', 'docker.io/library/app:1']);
  t.true(index.manifests.every((m) => m.digest === image.digest && /^\d{4}-\d\d-\d\dT/.test(m.annotations['org.opencontainers.image.created']!)));

  const bundle = path.join(work, 'bundle');
  await tool('umoci', ['unpack', '--image', `${layout}:1`, bundle]);
  const spec = JSON.parse(fs.readFileSync(path.join(bundle, 'config.json'), 'utf8')) as { process: { terminal: boolean; args: string[] } };
  t.deepEqual(spec.process.args, ['cat', '/app/greeting.txt']);
  spec.process.terminal = false;
  fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));
  const id = `kiln-exporter-${randomBytes(4).toString('hex')}`;
  try {
    t.is(await tool('runc', ['run', '--bundle', bundle, id]), 'hello from kiln\n');
  } finally {
    await tool('runc', ['delete', '--force', id]).catch(() => undefined);
  }
  t.is(ref.mounted(), 0);
});

(withTools ? test : test.skip)('type=oci,tar=false writes a layout directory and type=docker an archive skopeo reads', async (t) => {
  const { root, ref, config, work } = await build(t);
  const dir = path.join(work, 'layout');
  const archive = path.join(work, 'docker.tar');
  const outputs = [parseOutputSpec(`type=oci,dest=${dir},tar=false`), parseOutputSpec(`type=docker,dest=${archive}`)];
  const result = await exportOutputs({ root: ref, config }, outputs, { contentRoot: root }, { tags: ['app:1'] });
  t.teardown(() => result.release());
  t.is(result.images.length, 1, 'outputs with the same image options share one image, the stored one too');
  const archived = result.images[0]!;
  const fromDir = JSON.parse(await tool('skopeo', ['inspect', `oci:${dir}:1`])) as { Digest: string };
  t.is(fromDir.Digest, archived.digest);
  const fromDocker = JSON.parse(await tool('skopeo', ['inspect', '--config', `docker-archive:${archive}`])) as { rootfs: { diff_ids: string[] }; config: { Cmd: string[] } };
  t.deepEqual(fromDocker.rootfs.diff_ids, result.image!.layers.map((l) => l.diffId));
  t.deepEqual(fromDocker.config.Cmd, ['cat', '/app/greeting.txt']);
});

(ready ? test : test.skip)('type=local copies the tree: modes, owners, symlinks, hardlinks, devices, fifos and mtimes', async (t) => {
  const { root, ref, config, work } = await build(t);
  const dest = path.join(work, 'out');
  const result = await exportOutputs({ root: ref, config }, [parseOutputSpec(dest)], { contentRoot: root });
  t.deepEqual(result.images, [], 'a tree output makes no image');
  t.deepEqual(root.images.list().map((i) => i.name), ['docker.io/library/busybox:latest']);
  const expected = await refTree(t, ref);
  const written = walkTree(dest);
  t.deepEqual(written, expected);
  t.is(written.get('app/hello.txt')?.uid, 1000);
  t.deepEqual(written.get('app/hello.txt')?.names, ['app/hardlink.txt', 'app/hello.txt']);
  t.is(written.get('app/sub/tool')?.mode, 0o4755);
  t.is(written.get('app/null')?.device, '1:3');
  t.is(written.get('app/abs-link')?.link, '/etc/passwd');
  t.is(ref.mounted(), 0);
});

(ready ? test : test.skip)('type=tar lists the same tree, to a file and to standard output', async (t) => {
  const { root, ref, config, work } = await build(t);
  const file = path.join(work, 'tree.tar');
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  await exportOutputs({ root: ref, config }, [parseOutputSpec(`type=tar,dest=${file}`), parseOutputSpec('-')], { contentRoot: root, stdout });
  const expected = await refTree(t, ref);
  t.deepEqual(await tarTree(fs.createReadStream(file)), expected);
  t.deepEqual(await tarTree((async function* () { yield Buffer.concat(chunks); })()), expected);
  t.false(stdout.writableEnded, 'standard output is left open');
  const names = (await tool('tar', ['-tf', file])).split('\n');
  t.true(names.includes('app/hello.txt') && names.includes('bin/busybox') && names.includes('app/sub/'));
});

(ready ? test : test.skip)('with SOURCE_DATE_EPOCH every file of a local or tar output has that mtime', async (t) => {
  const { root, ref, config, work } = await build(t);
  const epoch = 1_600_000_000;
  const dest = path.join(work, 'out');
  const file = path.join(work, 'tree.tar');
  await exportOutputs({ root: ref, config }, [parseOutputSpec(`type=local,dest=${dest}`), parseOutputSpec(`type=tar,dest=${file}`)], { contentRoot: root }, { sourceDateEpoch: epoch });
  const expected = new Map([...(await refTree(t, ref))].map(([name, entry]) => [name, { ...entry, mtime: epoch }]));
  t.deepEqual(walkTree(dest), expected);
  t.deepEqual(await tarTree(fs.createReadStream(file)), expected);
});

// Serial: it counts the kernel's mounts, which concurrent tests would change.
(ready ? test.serial : test.skip)('a reader that stops early leaves nothing mounted', async (t) => {
  const { ref, work } = await build(t);
  // Temporary mount points go under TMPDIR: a private one, so other tests' mounts running at the same time do not count.
  const tmp = path.join(work, 'tmp');
  fs.mkdirSync(tmp);
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    for await (const chunk of treeTar(ref)) {
      t.true(chunk.length > 0);
      t.true(mountsContaining(tmp).length > 0, 'the tree is mounted while it is read');
      break;
    }
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
  t.is(ref.mounted(), 0);
  t.deepEqual(mountsContaining(tmp), []);
});

(ready ? test : test.skip)('a failed output releases the images made and leaves the named ones named', async (t) => {
  const { root, ref, config, work } = await build(t);
  const dir = path.join(work, 'full');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'x'), '');
  const error = await t.throwsAsync(exportOutputs({ root: ref, config }, [parseOutputSpec(`type=oci,dest=${dir},tar=false`)], { contentRoot: root }, { tags: ['app'] }));
  t.is((error as { code?: string }).code, 'AlreadyExists');
  t.deepEqual(root.leases.list(), []);
  t.true(root.images.find('docker.io/library/app:latest') !== undefined);
});

test('store=false with tags is refused before anything is made', async (t) => {
  const root = await tempRoot(t);
  const config: ImageConfig = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } };
  const noStore = await t.throwsAsync(exportOutputs({ root: undefined, config }, [parseOutputSpec('type=image,store=false')], { contentRoot: root }, { tags: ['a'] }));
  t.is((noStore as { code?: string }).code, 'Unsupported');
  t.deepEqual(root.images.list(), []);
});

test('tags without outputs store the image; no tags and no outputs still make one (for --iidfile)', async (t) => {
  const root = await tempRoot(t);
  const config: ImageConfig = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } };
  const tagged = await exportOutputs({ root: undefined, config }, [], { contentRoot: root, now: () => 0 }, { tags: ['a', 'b:2'] });
  t.deepEqual(tagged.image!.names, ['docker.io/library/a:latest', 'docker.io/library/b:2']);
  const untagged = await exportOutputs({ root: undefined, config }, [], { contentRoot: root, now: () => 0 });
  t.is(untagged.image!.imageId, tagged.image!.imageId);
  await tagged.release();
  await untagged.release();
  t.deepEqual(root.leases.list(), []);
});

test('an archive output with other image options gets an image of its own, named by the tags in the archive only', async (t) => {
  const root = await tempRoot(t);
  const work = tempDir(t);
  const config: ImageConfig = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } };
  const file = path.join(work, 'docker-types.tar');
  const result = await exportOutputs({ root: undefined, config }, [parseOutputSpec(`type=oci,dest=${file},oci-mediatypes=false`)], { contentRoot: root, now: () => 0 }, { tags: ['app:1'] });
  t.teardown(() => result.release());
  t.is(result.images.length, 2);
  const [stored, archived] = result.images;
  t.is(result.image, stored);
  t.is(stored!.manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  t.is(archived!.manifest.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
  t.deepEqual(archived!.names, [], 'the store names only the image the tags asked for');
  t.is(root.images.get('docker.io/library/app:1').target.digest, stored!.digest);
  const layout = path.join(work, 'layout');
  fs.mkdirSync(layout);
  await tool('tar', ['-xf', file, '-C', layout]);
  const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations: Record<string, string> }[] };
  t.deepEqual(index.manifests.map((m) => [m.digest, m.annotations['io.containerd.image.name'], m.annotations['org.opencontainers.image.created']]), [
    [archived!.digest, 'docker.io/library/app:1', '1970-01-01T00:00:00Z'],
  ]);
});
