// kiln save / load / rmi / prune through the real CLI, checked with skopeo and umoci.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { blobsIn, blobsOfLayout, kiln, kilnEnv, listImages, makeBusyboxLayout, skopeo, type KilnEnv } from './support/images-cli.ts';

let work: string;
let layout: string;
let manifestDigest: string;
let envCount = 0;

const fresh = () => kilnEnv(path.join(work, `env-${++envCount}`));

test.before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-images-archive-'));
  layout = path.join(work, 'busybox-layout');
  manifestDigest = makeBusyboxLayout(layout);
});

test.after.always(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** A kiln root holding the busybox fixture as `busybox:latest`, loaded from its OCI layout directory. */
function withBusybox(): KilnEnv {
  const k = fresh();
  const r = kiln(k, ['load', '-i', layout, '--repository', 'busybox']);
  if (r.status !== 0) throw new Error(`kiln load failed: ${r.stderr}`);
  return k;
}

test('kiln load of an OCI layout directory names a tag-only entry in --repository and keeps every blob', (t) => {
  const k = fresh();
  const r = kiln(k, ['load', '-i', layout, '--repository', 'busybox']);
  t.is(r.status, 0, r.stderr);
  t.is(r.stdout, 'Loaded image: busybox:latest\n');
  const [image] = listImages(k);
  t.is(image?.name, 'docker.io/library/busybox:latest');
  t.is(image?.digest, manifestDigest);
  t.deepEqual(blobsIn(k.root), blobsOfLayout(layout));
});

test('kiln load of a layout that gives only a tag, without --repository, stores the image unnamed and says so', (t) => {
  const k = fresh();
  const r = kiln(k, ['load', '-i', layout]);
  t.is(r.status, 0, r.stderr);
  t.is(r.stdout, `Loaded unnamed image: ${manifestDigest}\n`);
  t.regex(r.stderr, /no name .*--repository/);
  t.deepEqual(listImages(k), []);
});

test('kiln save --format oci writes a tar skopeo inspects with the same digest and umoci unpacks', (t) => {
  const k = withBusybox();
  const [image] = listImages(k);
  const tarFile = path.join(work, 'saved-oci.tar');
  const r = kiln(k, ['save', '--format', 'oci', '-o', tarFile, image!.name]);
  t.is(r.status, 0, r.stderr);
  const inspected = JSON.parse(skopeo('inspect', `oci-archive:${tarFile}`)) as { Digest: string; Layers: string[] };
  t.is(inspected.Digest, manifestDigest);
  const extracted = fs.mkdtempSync(path.join(work, 'oci-extract-'));
  execFileSync('tar', ['-xf', tarFile, '-C', extracted]);
  const index = JSON.parse(fs.readFileSync(path.join(extracted, 'index.json'), 'utf8')) as { manifests: { annotations?: Record<string, string> }[] };
  const tag = index.manifests[0]?.annotations?.['org.opencontainers.image.ref.name'];
  t.truthy(tag);
  const bundle = path.join(work, 'umoci-bundle');
  execFileSync('umoci', ['unpack', '--rootless', '--image', `${extracted}:${tag}`, bundle], { stdio: 'pipe' });
  t.true(fs.existsSync(path.join(bundle, 'rootfs', 'bin', 'busybox')));
  t.true(fs.lstatSync(path.join(bundle, 'rootfs', 'bin', 'sh')).isSymbolicLink());
  fs.rmSync(bundle, { recursive: true, force: true });
});

test('kiln save (docker format, the default) writes an archive skopeo reads with the same config and layers', (t) => {
  const k = withBusybox();
  const [image] = listImages(k);
  const tarFile = path.join(work, 'saved-docker.tar');
  const r = kiln(k, ['save', '-o', tarFile, image!.name]);
  t.is(r.status, 0, r.stderr);
  const raw = JSON.parse(skopeo('inspect', '--raw', `docker-archive:${tarFile}`)) as { config: { digest: string } };
  t.is(raw.config.digest, image!.id);
  const members = execFileSync('tar', ['-tf', tarFile], { encoding: 'utf8' }).split('\n');
  t.true(members.includes('manifest.json'));
});

test('kiln save to stdout writes the same archive as -o, and refuses a missing image', (t) => {
  const k = withBusybox();
  const [image] = listImages(k);
  const fromStdout = path.join(work, 'stdout.tar');
  fs.writeFileSync(fromStdout, execFileSync('node_modules/.bin/kiln', ['save', '--format', 'oci', image!.name], { env: k.env, maxBuffer: 64 << 20 }));
  t.is((JSON.parse(skopeo('inspect', `oci-archive:${fromStdout}`)) as { Digest: string }).Digest, manifestDigest);
  const missing = kiln(k, ['save', '-o', path.join(work, 'never.tar'), 'not-here:v1']);
  t.is(missing.status, 1);
  t.regex(missing.stderr, /no local image "not-here:v1"/);
  t.false(fs.existsSync(path.join(work, 'never.tar')));
});

for (const transport of ['oci-archive', 'docker-archive'] as const) {
  test(`kiln load of a ${transport} skopeo wrote names the image and keeps its config`, (t) => {
    const archive = path.join(work, `skopeo-${transport}.tar`);
    const name = `example.com/loaded/${transport}:v1`;
    skopeo('copy', `oci:${layout}:latest`, transport === 'oci-archive' ? `oci-archive:${archive}:${name}` : `docker-archive:${archive}:${name}`);
    const k = fresh();
    const r = kiln(k, ['load', '-i', archive]);
    t.is(r.status, 0, r.stderr);
    t.is(r.stdout, `Loaded image: ${name}\n`);
    const [image] = listImages(k);
    t.is(image?.name, name);
    t.is(image?.id, (JSON.parse(skopeo('inspect', '--raw', `oci:${layout}:latest`)) as { config: { digest: string } }).config.digest);
    fs.rmSync(archive);
  });
}

test('kiln load reads an archive from stdin', (t) => {
  const archive = path.join(work, 'stdin-oci.tar');
  skopeo('copy', `oci:${layout}:latest`, `oci-archive:${archive}:stdin/image:v2`);
  const k = fresh();
  const r = kiln(k, ['load'], fs.readFileSync(archive));
  t.is(r.status, 0, r.stderr);
  t.is(r.stdout, 'Loaded image: stdin/image:v2\n');
});

test('kiln load of something that is no archive fails and names nothing', (t) => {
  const k = fresh();
  const junk = path.join(work, 'junk.tar');
  fs.writeFileSync(junk, 'not a tar at all');
  const r = kiln(k, ['load', '-i', junk]);
  t.is(r.status, 1);
  t.regex(r.stderr, /^error: /m);
  t.deepEqual(listImages(k), []);
});

test('kiln rmi removes names only; kiln prune then frees the blobs nothing references and prints the bytes', (t) => {
  const k = withBusybox();
  const [image] = listImages(k);
  t.is(kiln(k, ['tag', image!.name, 'second/name:v1']).status, 0);
  const rmi = kiln(k, ['rmi', image!.name]);
  t.is(rmi.status, 0, rmi.stderr);
  const kept = kiln(k, ['prune', '--grace-period', '0']);
  t.is(kept.status, 0, kept.stderr);
  t.regex(kept.stdout, /Total reclaimed space: 0B \(0 bytes in 0 blobs\)/);
  t.deepEqual(blobsIn(k.root), blobsOfLayout(layout), 'the other name still holds every blob');

  const byId = kiln(k, ['rmi', image!.id.slice(7, 19)]);
  t.is(byId.status, 0, byId.stderr);
  t.is(byId.stdout, 'Untagged: second/name:v1\n');
  const young = kiln(k, ['prune']);
  t.is(young.status, 0, young.stderr);
  t.regex(young.stdout, /\(0 bytes in 0 blobs\)/, 'blobs written a moment ago are kept by the default grace period');
  const sizes = blobsOfLayout(layout).reduce((sum, d) => sum + fs.statSync(path.join(layout, 'blobs', 'sha256', d.slice(7))).size, 0);
  const pruned = kiln(k, ['prune', '--grace-period', '0']);
  t.is(pruned.status, 0, pruned.stderr);
  t.regex(pruned.stdout, new RegExp(`\\(${sizes} bytes in ${blobsOfLayout(layout).length} blobs\\)`));
  for (const d of blobsOfLayout(layout)) t.regex(pruned.stdout, new RegExp(`^deleted: ${d}$`, 'm'));
  t.deepEqual(blobsIn(k.root), []);
});

test('kiln rmi of an unknown name removes nothing and fails', (t) => {
  const k = withBusybox();
  const before = listImages(k);
  const r = kiln(k, ['rmi', before[0]!.name, 'no/such:image']);
  t.is(r.status, 1);
  t.regex(r.stderr, /no local image "no\/such:image"/);
  t.deepEqual(listImages(k), before);
});
