// kiln pull / push / images / tag through the real CLI against Debian's docker-registry, checked with skopeo.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { startRegistry, type RunningRegistry } from '../packages/registry/test/support/registry-process.ts';
import { blobsIn, blobsOfLayout, ingestsIn, kiln, kilnAsync, kilnEnv, kilnOnTty, listImages, makeBusyboxLayout, skopeo } from './support/images-cli.ts';

let registry: RunningRegistry;
let work: string;
let layout: string;
let manifestDigest: string;
let envCount = 0;

const fresh = () => kilnEnv(path.join(work, `env-${++envCount}`));

test.before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-images-registry-'));
  layout = path.join(work, 'busybox-layout');
  manifestDigest = makeBusyboxLayout(layout);
  registry = await startRegistry();
  skopeo('copy', '--dest-tls-verify=false', `oci:${layout}:latest`, `docker://${registry.host}/busybox:latest`);
});

test.after.always(async () => {
  await registry?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('kiln pull stores what skopeo pushed, with the same digests, and prints the digest and name', (t) => {
  const k = fresh();
  const r = kiln(k, ['pull', `${registry.host}/busybox`]);
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, new RegExp(`^Digest: ${manifestDigest}$`, 'm'));
  t.regex(r.stdout, /Status: Downloaded newer image for .*busybox:latest/);
  t.is(r.stdout.trim().split('\n').at(-1), `${registry.host}/busybox:latest`);
  t.deepEqual(blobsIn(k.root), blobsOfLayout(layout));
  const [image] = listImages(k);
  t.is(image?.name, `${registry.host}/busybox:latest`);
  t.is(image?.digest, manifestDigest);
  t.is(image?.platform, 'linux/amd64');
  const manifest = JSON.parse(fs.readFileSync(path.join(layout, 'blobs', 'sha256', manifestDigest.slice(7)), 'utf8')) as { config: { digest: string } };
  t.is(image?.id, manifest.config.digest);
  const second = kiln(k, ['pull', `${registry.host}/busybox:latest`]);
  t.is(second.status, 0, second.stderr);
  t.regex(second.stdout, /Status: Image is up to date/);
});

test('kiln pull without a terminal prints plain progress lines, one per finished blob', (t) => {
  const k = fresh();
  const r = kiln(k, ['pull', `${registry.host}/busybox`]);
  t.is(r.status, 0, r.stderr);
  t.false(r.stderr.includes('\x1b['), 'no escape sequences in plain mode');
  const manifest = JSON.parse(fs.readFileSync(path.join(layout, 'blobs', 'sha256', manifestDigest.slice(7)), 'utf8')) as { layers: { digest: string; size: number }[] };
  const layer = manifest.layers[0]!;
  const done = r.stderr.split('\n').filter((l) => l.startsWith(`${layer.digest.slice(0, 19)} layer`) && /downloaded/.test(l));
  t.is(done.length, 1, r.stderr);
  t.regex(done[0]!, /downloaded [\d.]+(B|KiB|MiB)\/[\d.]+(B|KiB|MiB)$/);
});

test('kiln pull on a terminal draws progress bars with ANSI escapes, without colour under NO_COLOR', (t) => {
  const coloured = kilnOnTty(fresh(), ['pull', `${registry.host}/busybox`]);
  t.is(coloured.status, 0, coloured.stdout);
  t.regex(coloured.stdout, /\x1b\[2K\x1b\[32msha256:[0-9a-f]{12} layer +downloaded +\[=+\]/);
  const k = fresh();
  const plain = kilnOnTty({ ...k, env: { ...k.env, NO_COLOR: '1' } }, ['pull', `${registry.host}/busybox`]);
  t.is(plain.status, 0, plain.stdout);
  t.regex(plain.stdout, /\x1b\[2Ksha256:[0-9a-f]{12} layer +downloaded +\[=+\]/);
  t.false(/\x1b\[3\dm/.test(plain.stdout), 'no colour codes');
});

test('kiln tag, then kiln push reports the digest skopeo inspect sees in the registry', (t) => {
  const k = fresh();
  t.is(kiln(k, ['pull', `${registry.host}/busybox`]).status, 0);
  const tag = kiln(k, ['tag', `${registry.host}/busybox`, `${registry.host}/copies/bb:v1`]);
  t.is(tag.status, 0, tag.stderr);
  const push = kiln(k, ['push', `${registry.host}/copies/bb:v1`]);
  t.is(push.status, 0, push.stderr);
  const reported = /digest: (sha256:[0-9a-f]{64}) size: (\d+)/.exec(push.stdout);
  t.truthy(reported, push.stdout);
  const inspected = JSON.parse(skopeo('inspect', '--tls-verify=false', `docker://${registry.host}/copies/bb:v1`)) as { Digest: string };
  t.is(inspected.Digest, reported?.[1] ?? 'no digest reported');
  t.is(inspected.Digest, manifestDigest);
  // PUSH REF DEST sends to another name without tagging it locally.
  const elsewhere = kiln(k, ['push', 'busybox-local-missing']);
  t.not(elsewhere.status, 0);
  t.regex(elsewhere.stderr, /no local image "busybox-local-missing"/);
  const copy = kiln(k, ['push', `${registry.host}/copies/bb:v1`, `${registry.host}/third/bb:x`]);
  t.is(copy.status, 0, copy.stderr);
  t.is((JSON.parse(skopeo('inspect', '--tls-verify=false', `docker://${registry.host}/third/bb:x`)) as { Digest: string }).Digest, manifestDigest);
  t.false(listImages(k).some((i) => i.name.includes('third')));
});

test('familiar names work everywhere: busybox is docker.io/library/busybox:latest', (t) => {
  const k = fresh();
  t.is(kiln(k, ['pull', `${registry.host}/busybox`]).status, 0);
  t.is(kiln(k, ['tag', `${registry.host}/busybox`, 'busybox']).status, 0);
  const names = listImages(k).map((i) => i.name);
  t.true(names.includes('docker.io/library/busybox:latest'), names.join(', '));
  const table = kiln(k, ['images']);
  t.regex(table.stdout, /^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$/m);
  t.regex(table.stdout, /^busybox +latest +[0-9a-f]{12} +\S.* +[\d.]+(kB|MB)$/m);
  const quiet = kiln(k, ['images', '-q']);
  t.deepEqual(quiet.stdout.trim().split('\n'), [listImages(k)[0]!.id.slice(7, 19)]);
  const rmi = kiln(k, ['rmi', 'busybox']);
  t.is(rmi.stdout, 'Untagged: busybox:latest\n');
  t.false(listImages(k).some((i) => i.name === 'docker.io/library/busybox:latest'));
});

test('kiln pull by digest stores a digest name that kiln images shows without a tag', (t) => {
  const k = fresh();
  const r = kiln(k, ['pull', `${registry.host}/busybox@${manifestDigest}`]);
  t.is(r.status, 0, r.stderr);
  const [image] = listImages(k);
  t.is(image?.name, `${registry.host}/busybox@${manifestDigest}`);
  t.is(image?.tag, '<none>');
});

test('kiln pull of a missing image or an unreachable registry fails with a message and no name', (t) => {
  const k = fresh();
  const missing = kiln(k, ['pull', `${registry.host}/nothing/here:v1`]);
  t.is(missing.status, 1);
  t.regex(missing.stderr, /manifest unknown|not found/i);
  const bad = kiln(k, ['pull', 'Busybox']);
  t.is(bad.status, 1);
  t.regex(bad.stderr, /must be lowercase/);
  const refused = kiln(k, ['pull', '127.0.0.1:1/busybox']);
  t.is(refused.status, 1);
  t.regex(refused.stderr, /ECONNREFUSED/);
  t.deepEqual(listImages(k), []);
});

test('two kiln pull processes of the same image at once both succeed and store one copy of each blob', async (t) => {
  const k = fresh();
  const runs = await Promise.all([kilnAsync(k, ['pull', `${registry.host}/busybox`]), kilnAsync(k, ['pull', `${registry.host}/busybox`])]);
  for (const r of runs) t.is(r.status, 0, r.stderr);
  t.deepEqual(blobsIn(k.root), blobsOfLayout(layout));
  t.deepEqual(ingestsIn(k.root), []);
  t.deepEqual(listImages(k).map((i) => i.name), [`${registry.host}/busybox:latest`]);
});
