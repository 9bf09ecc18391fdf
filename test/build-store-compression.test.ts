// The image kiln build keeps in its store has the layers it made uncompressed (as docker's image store does), with
// the image ID a gzip export of the same build gets; everything that reads stored images takes it: FROM and
// COPY --from a local image, kiln run, kiln save, kiln images. Images that leave the store carry gzip layers.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { busyboxEnv, kilnBuild, writeContext } from './support/build-cli.ts';
import { kiln, listImages, makeBusyboxLayout, skopeo, type KilnEnv } from './support/images-cli.ts';

const ready = process.getuid?.() === 0 && fs.existsSync('/bin/busybox') && (process.env.PATH ?? '').split(':').some((d) => fs.existsSync(path.join(d, 'skopeo')));

const plainTar = 'application/vnd.oci.image.layer.v1.tar';
const gzipTar = 'application/vnd.oci.image.layer.v1.tar+gzip';

interface Manifest {
  readonly config: { readonly digest: string };
  readonly layers: readonly { readonly mediaType: string; readonly digest: string; readonly size: number }[];
}

let work: string;
let k: KilnEnv;
/** busybox's own manifest, as the fixture layout holds it. */
let busybox: Manifest;
let baseContext: string;

function blob(digest: string): Buffer {
  return fs.readFileSync(path.join(k.root, 'content', 'blobs', 'sha256', digest.slice('sha256:'.length)));
}

/** The manifest a local name points at, read from the kiln root. */
function storedManifest(name: string): { digest: string; manifest: Manifest } {
  const row = listImages(k).find((i) => i.name === name);
  if (row === undefined) throw new Error(`no local image ${name}`);
  return { digest: row.digest, manifest: JSON.parse(blob(row.digest).toString('utf8')) as Manifest };
}

function diffIds(configDigest: string): string[] {
  return (JSON.parse(blob(configDigest).toString('utf8')) as { rootfs: { diff_ids: string[] } }).rootfs.diff_ids;
}

function metadata(file: string): { digest: string; id: string } {
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  return { digest: m['containerimage.digest']!, id: m['containerimage.config.digest']! };
}

test.before(() => {
  if (!ready) return;
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-store-compression-'));
  const layout = path.join(work, 'busybox');
  const digest = makeBusyboxLayout(layout);
  busybox = JSON.parse(fs.readFileSync(path.join(layout, 'blobs', 'sha256', digest.slice(7)), 'utf8')) as Manifest;
  k = busyboxEnv(path.join(work, 'env'), layout);
  baseContext = writeContext(path.join(work, 'base'), {
    Dockerfile: 'FROM busybox\nRUN mkdir /app && echo made by the base build > /app/base.txt\nCMD ["cat", "/app/base.txt"]\n',
  });
  const r = kilnBuild(k, baseContext, ['-t', 'store/base:1', '--metadata-file', path.join(work, 'base.json')]);
  if (r.status !== 0) throw new Error(`base build failed: ${r.stderr}`);
});

test.after.always(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const serial = ready ? test.serial : test.skip;

serial('a -t image keeps the layer it made uncompressed, busybox\'s gzip blob as it is, and the image ID of a gzip export', (t) => {
  const built = metadata(path.join(work, 'base.json'));
  const { digest, manifest } = storedManifest('docker.io/store/base:1');
  t.is(digest, built.digest, 'the build reports the stored manifest');
  t.is(manifest.config.digest, built.id);
  t.deepEqual(manifest.layers[0], busybox.layers[0], 'base layers keep their blobs');
  const made = manifest.layers.at(-1)!;
  t.is(made.mediaType, plainTar);
  t.is(made.digest, diffIds(built.id).at(-1) ?? 'no diff_id', 'an uncompressed layer\'s blob is its diff_id');
  // The same build exported with gzip layers (from cache): another manifest, the same image.
  const gzipFile = path.join(work, 'gzip.json');
  const gz = kilnBuild(k, baseContext, ['-o', 'type=image,name=store/base:gzip,compression=gzip', '--metadata-file', gzipFile]);
  t.is(gz.status, 0, gz.stderr);
  const gzip = storedManifest('docker.io/store/base:gzip');
  t.is(gzip.manifest.layers.at(-1)!.mediaType, gzipTar);
  t.not(gzip.digest, digest);
  t.is(metadata(gzipFile).id, built.id, 'compression never changes the image ID');
  const row = listImages(k).find((i) => i.name === 'docker.io/store/base:1')!;
  t.is(row.id, built.id);
  t.true(row.size >= busybox.layers[0]!.size + made.size, `kiln images counts the blobs as stored: ${row.size}`);
});

serial('kiln run and kiln save take an image stored uncompressed', (t) => {
  const run = kiln(k, ['run', 'store/base:1']);
  t.is(run.status, 0, run.stderr);
  t.is(run.stdout, 'made by the base build\n');
  const archive = path.join(work, 'base-docker.tar');
  const save = kiln(k, ['save', '-o', archive, 'store/base:1']);
  t.is(save.status, 0, save.stderr);
  const config = JSON.parse(skopeo('inspect', '--config', `docker-archive:${archive}`)) as { rootfs: { diff_ids: string[] } };
  t.deepEqual(config.rootfs.diff_ids, diffIds(metadata(path.join(work, 'base.json')).id));
});

serial('FROM and COPY --from an image stored uncompressed build and run; an OCI archive of the result has gzip layers only', (t) => {
  const context = writeContext(path.join(work, 'derived'), {
    Dockerfile: 'FROM store/base:1\nCOPY --from=store/base:1 /app/base.txt /app/copied.txt\nRUN cat /app/base.txt /app/copied.txt > /app/both.txt\nCMD ["cat", "/app/both.txt"]\n',
  });
  const r = kilnBuild(k, context, ['-t', 'store/derived:1']);
  t.is(r.status, 0, r.stderr);
  const run = kiln(k, ['run', 'store/derived:1']);
  t.is(run.status, 0, run.stderr);
  t.is(run.stdout, 'made by the base build\nmade by the base build\n');
  const base = storedManifest('docker.io/store/base:1').manifest;
  const derived = storedManifest('docker.io/store/derived:1').manifest;
  t.deepEqual(derived.layers.slice(0, base.layers.length), base.layers, 'the stored base\'s blobs are kept in the store');
  // Leaving the store, the base's plain tar is compressed like the layers the build made.
  const file = path.join(work, 'derived.oci.tar');
  const oci = kilnBuild(k, context, ['-o', `type=oci,dest=${file}`]);
  t.is(oci.status, 0, oci.stderr);
  const raw = JSON.parse(skopeo('inspect', '--raw', `oci-archive:${file}`)) as Manifest;
  t.deepEqual(raw.layers.map((l) => l.mediaType), raw.layers.map(() => gzipTar));
  t.deepEqual(diffIds(raw.config.digest).slice(0, base.layers.length), diffIds(base.config.digest));
  const layout = path.join(work, 'derived-layout');
  fs.mkdirSync(layout);
  execFileSync('tar', ['-xf', file, '-C', layout]);
  // skopeo verifies every blob's digest as it copies.
  skopeo('copy', `oci:${layout}`, `oci:${path.join(work, 'derived-copy')}:x`);
  const copied = JSON.parse(fs.readFileSync(path.join(work, 'derived-copy', 'index.json'), 'utf8')) as { manifests: unknown[] };
  t.is(copied.manifests.length, 1);
});
