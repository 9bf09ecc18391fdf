// Pushing build results to Debian's docker-registry: --push, type=registry, and kiln push of a built image;
// skopeo inspect from the registry shows the digest kiln reported and --metadata-file recorded.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { startRegistry, type RunningRegistry } from '../packages/registry/test/support/registry-process.ts';
import { kiln, kilnEnv, listImages, makeBusyboxLayout, skopeo, type KilnEnv } from './support/images-cli.ts';
import { linesWith, writeContext } from './support/outputs-build.ts';
import { busyboxEnv } from './support/build-cli.ts';

const ready = process.getuid?.() === 0 && fs.existsSync('/bin/busybox') && fs.existsSync('/usr/bin/docker-registry');

let registry: RunningRegistry;
let work: string;
let context: string;
let k: KilnEnv;

test.before(async () => {
  if (!ready) return;
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-outputs-push-'));
  const layout = path.join(work, 'busybox');
  makeBusyboxLayout(layout);
  k = busyboxEnv(path.join(work, 'env'), layout);
  context = writeContext(path.join(work, 'context'));
  registry = await startRegistry();
});

test.after.always(async () => {
  await registry?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const serial = ready ? test.serial : test.skip;

function registryDigest(ref: string): string {
  return (JSON.parse(skopeo('inspect', '--tls-verify=false', `docker://${ref}`)) as { Digest: string }).Digest;
}

/** The manifest the registry serves for `ref`, as stored there. */
function registryManifest(ref: string): { config: { digest: string }; layers: { mediaType: string }[] } {
  return JSON.parse(skopeo('inspect', '--raw', '--tls-verify=false', `docker://${ref}`)) as { config: { digest: string }; layers: { mediaType: string }[] };
}

const gzipTar = 'application/vnd.oci.image.layer.v1.tar+gzip';

function metadataOf(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

serial('kiln build --push pushes every -t name with byte progress; the registry serves the digest kiln reported and recorded', (t) => {
  const metadataFile = path.join(work, 'push.json');
  const a = `${registry.host}/built/app:1`;
  const b = `${registry.host}/built/other:2`;
  const r = kiln(k, ['build', '--progress=plain', '--push', '-t', a, '-t', b, '--metadata-file', metadataFile, context]);
  t.is(r.status, 0, r.stderr);
  const digest = metadataOf(metadataFile)['containerimage.digest'] as string;
  t.regex(digest, /^sha256:[0-9a-f]{64}$/);
  t.is(registryDigest(a), digest);
  t.is(registryDigest(b), digest);
  t.is(linesWith(r.stderr, `pushed ${a} (${digest})`).length, 1, r.stderr);
  t.is(linesWith(r.stderr, `pushing manifest for ${a}@${digest} done`).length, 1, r.stderr);
  const progress = linesWith(r.stderr, ' pushing sha256:');
  t.true(progress.some((l) => /pushing sha256:[0-9a-f]{12} [\d.]+ ?[KMG]?i?B \/ [\d.]+ ?[KMG]?i?B done$/.test(l)), progress.join('\n'));
  t.is(metadataOf(metadataFile)['image.name'], `${a},${b}`);
  // The pushed image is the stored one (gzip, made once): the local names point at the digest the registry serves.
  const local = listImages(k).filter((i) => i.name === a || i.name === b);
  t.deepEqual(local.map((i) => i.digest), [digest, digest]);
  t.true(registryManifest(a).layers.every((l) => l.mediaType === gzipTar));
});

serial('-o type=registry,name=… pushes to that name without tags; type=image,push=true pushes over it', (t) => {
  const metadataFile = path.join(work, 'registry.json');
  const name = `${registry.host}/typed/app:v1`;
  const r = kiln(k, ['build', '--progress=plain', '-o', `type=registry,name=${name}`, '--metadata-file', metadataFile, context]);
  t.is(r.status, 0, r.stderr);
  const digest = metadataOf(metadataFile)['containerimage.digest'] as string;
  t.is(registryDigest(name), digest);
  // A rebuild from cache is a new image all the same (a derived image gets a new `created`, as in BuildKit).
  const again = kiln(k, ['build', '--progress=plain', '-o', `type=image,name=${name},push=true`, '--metadata-file', metadataFile, context]);
  t.is(again.status, 0, again.stderr);
  const second = metadataOf(metadataFile)['containerimage.digest'] as string;
  t.is(linesWith(again.stderr, `pushed ${name} (${second})`).length, 1, again.stderr);
  t.is(registryDigest(name), second);
});

serial('kiln push of a built image sends it gzip-compressed, and the registry serves the digest the push reported', (t) => {
  const metadataFile = path.join(work, 'local.json');
  const name = `${registry.host}/later/app:1`;
  const r = kiln(k, ['build', '--progress=plain', '-t', name, '--metadata-file', metadataFile, context]);
  t.is(r.status, 0, r.stderr);
  const digest = metadataOf(metadataFile)['containerimage.digest'] as string;
  const id = metadataOf(metadataFile)['containerimage.config.digest'] as string;
  t.throws(() => registryDigest(name), undefined, 'not pushed by the build');
  const stored = JSON.parse(fs.readFileSync(path.join(k.root, 'content', 'blobs', 'sha256', digest.slice(7)), 'utf8')) as { layers: { mediaType: string }[] };
  t.is(stored.layers.at(-1)!.mediaType, 'application/vnd.oci.image.layer.v1.tar', 'the store keeps the layer the build made uncompressed');
  const push = kiln(k, ['push', name]);
  t.is(push.status, 0, push.stderr);
  // The store keeps the build's layers uncompressed (as docker's does); the push sends them gzip-compressed.
  const pushed = /digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(push.stdout)?.[1];
  t.truthy(pushed, push.stdout);
  t.not(pushed, digest, 'a gzip manifest, not the stored uncompressed one');
  t.is(registryDigest(name), pushed!);
  const served = registryManifest(name);
  t.deepEqual(served.layers.map((l) => l.mediaType), served.layers.map(() => gzipTar), 'no uncompressed layer leaves the store');
  t.is(served.config.digest, id, 'same image ID');
  // The local name now points at the compressed manifest, so pushing again compresses nothing.
  const local = listImages(k).find((i) => i.name === name);
  t.is(local?.digest, pushed);
  t.is(local?.id, id);
  // Another client pulls it back (verifying every blob's digest), and so does kiln.
  const copied = path.join(work, 'pulled-back');
  skopeo('copy', '--src-tls-verify=false', `docker://${name}`, `oci:${copied}:1`);
  t.is((JSON.parse(fs.readFileSync(path.join(copied, 'index.json'), 'utf8')) as { manifests: { digest: string }[] }).manifests[0]?.digest, pushed);
  const fresh = kilnEnv(path.join(work, 'fresh'));
  const pull = kiln(fresh, ['pull', name]);
  t.is(pull.status, 0, pull.stderr);
  t.is(listImages(fresh).find((i) => i.name === name)?.id, id);
  const copy = kiln(k, ['push', name, `${registry.host}/copies/app:2`]);
  t.is(copy.status, 0, copy.stderr);
  t.is(registryDigest(`${registry.host}/copies/app:2`), pushed!, 'the second push reuses the compressed image');
});

serial('--push without a name is refused before any step runs', (t) => {
  const r = kiln(k, ['build', '--progress=plain', '--push', context]);
  t.is(r.status, 1);
  t.regex(r.stderr, /needs a name to push to: name=… or -t/);
  t.false(r.stderr.includes('[internal] load build definition'), r.stderr);
});
