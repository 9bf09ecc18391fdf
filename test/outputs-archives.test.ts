// kiln build -o …: every archive and tree output read by a client nobody here wrote (skopeo, umoci, runc, GNU tar),
// and --metadata-file as buildx writes it. One build writes all outputs at once, so the suite stays cheap.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { kiln, makeBusyboxLayout, skopeo, type KilnRun } from './support/images-cli.ts';
import { greeting, walkTree, writeContext } from './support/outputs-build.ts';
import { busyboxEnv } from './support/build-cli.ts';

const ready = process.getuid?.() === 0 && fs.existsSync('/bin/busybox') && ['skopeo', 'umoci', 'runc'].every((c) => (process.env.PATH ?? '').split(':').some((d) => fs.existsSync(path.join(d, c))));

let work: string;
let out: string;
let build: KilnRun;
/** `--metadata-file` as written: BuildKit's keys, the descriptor as an object. */
interface Metadata {
  readonly 'containerimage.digest': string;
  readonly 'containerimage.config.digest': string;
  readonly 'containerimage.descriptor': unknown;
  readonly 'image.name': string;
}
let metadata: Metadata;

test.before(() => {
  if (!ready) return;
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-outputs-archives-'));
  const layout = path.join(work, 'busybox');
  makeBusyboxLayout(layout);
  const k = busyboxEnv(path.join(work, 'env'), layout);
  out = path.join(work, 'out');
  fs.mkdirSync(out);
  const context = writeContext(path.join(work, 'context'));
  build = kiln(k, [
    'build', '--progress=plain', '-t', 'outputs/app:1', '--metadata-file', path.join(out, 'metadata.json'),
    '-o', `type=oci,dest=${path.join(out, 'image.oci.tar')}`,
    '-o', `type=docker,dest=${path.join(out, 'image.docker.tar')},name=outputs/docker:2`,
    '-o', `type=local,dest=${path.join(out, 'local')}`,
    '-o', `type=tar,dest=${path.join(out, 'tree.tar')}`,
    context,
  ]);
  if (build.status === 0) metadata = JSON.parse(fs.readFileSync(path.join(out, 'metadata.json'), 'utf8')) as typeof metadata;
});

test.after.always(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const serial = ready ? test.serial : test.skip;

serial('the build with four outputs succeeds and --metadata-file holds BuildKit\'s keys', (t) => {
  t.is(build.status, 0, build.stderr);
  t.deepEqual(Object.keys(metadata).sort(), ['containerimage.config.digest', 'containerimage.descriptor', 'containerimage.digest', 'image.name']);
  t.regex(metadata['containerimage.digest'], /^sha256:[0-9a-f]{64}$/);
  t.is(metadata['image.name'], 'docker.io/outputs/app:1');
  const descriptor = metadata['containerimage.descriptor'] as { mediaType: string; digest: string; size: number };
  t.is(descriptor.digest, metadata['containerimage.digest']);
  t.is(descriptor.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  t.regex(build.stderr, new RegExp(`image ${metadata['containerimage.config.digest']}`));
});

serial('type=oci: skopeo inspects the tar, umoci unpacks it and runc runs the bundle, printing what CMD prints', (t) => {
  const file = path.join(out, 'image.oci.tar');
  const inspected = JSON.parse(skopeo('inspect', `oci-archive:${file}:1`)) as { Digest: string; Layers: string[] };
  t.is(inspected.Digest, metadata['containerimage.digest']);
  const layout = path.join(work, 'oci-layout');
  fs.mkdirSync(layout);
  execFileSync('tar', ['-xf', file, '-C', layout]);
  const bundle = path.join(work, 'bundle');
  execFileSync('umoci', ['unpack', '--image', `${layout}:1`, bundle], { stdio: ['ignore', 'pipe', 'pipe'] });
  const specFile = path.join(bundle, 'config.json');
  const spec = JSON.parse(fs.readFileSync(specFile, 'utf8')) as { process: { terminal: boolean; args: string[] } };
  t.deepEqual(spec.process.args, ['/usr/local/bin/greet']);
  spec.process.terminal = false;
  fs.writeFileSync(specFile, JSON.stringify(spec));
  const id = `kiln-outputs-${randomBytes(4).toString('hex')}`;
  try {
    t.is(execFileSync('runc', ['run', '--bundle', bundle, id], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), `${greeting}\n`);
  } finally {
    try {
      execFileSync('runc', ['delete', '--force', id], { stdio: 'ignore' });
    } catch {
      // Already gone: runc run removes a container that exited.
    }
  }
});

serial('type=docker: skopeo reads the archive as docker-archive: under its name, with the same config', (t) => {
  const file = path.join(out, 'image.docker.tar');
  const raw = JSON.parse(skopeo('inspect', '--raw', `docker-archive:${file}:docker.io/outputs/docker:2`)) as { config: { digest: string } };
  t.is(raw.config.digest, metadata['containerimage.config.digest']);
  const byTag = JSON.parse(skopeo('inspect', `docker-archive:${file}:docker.io/outputs/app:1`)) as { Layers: string[] };
  t.true(byTag.Layers.length >= 2, 'the -t name is in the archive too');
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', file, 'manifest.json'], { encoding: 'utf8' })) as { RepoTags: string[] }[];
  t.deepEqual(manifest[0]!.RepoTags.sort(), ['outputs/app:1', 'outputs/docker:2']);
});

serial('type=local and type=tar: the tree equals the image\'s root filesystem as umoci unpacked it', (t) => {
  const rootfs = walkTree(path.join(work, 'bundle', 'rootfs'));
  t.true(rootfs.size > 10, 'the umoci test ran first and unpacked the image');
  t.deepEqual(walkTree(path.join(out, 'local')), rootfs);
  const extracted = path.join(work, 'tree');
  fs.mkdirSync(extracted);
  execFileSync('tar', ['--same-owner', '-p', '-xf', path.join(out, 'tree.tar'), '-C', extracted]);
  t.deepEqual(walkTree(extracted), rootfs);
  t.is(fs.readFileSync(path.join(out, 'local', 'etc', 'greeting'), 'utf8'), `${greeting}\n`);
  t.is(fs.statSync(path.join(out, 'local', 'opt', 'data', 'a.txt')).uid, 1001, 'ownership kept when running as root');
});
