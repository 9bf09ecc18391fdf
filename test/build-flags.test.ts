// kiln build's flags end to end: -f (stdin, outside the context), -t repeated, --label, --iidfile, --progress modes,
// -o type=oci|local, --platform and --pull against a local registry, each checked on what the build made.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { startRegistry, type RunningRegistry } from '../packages/registry/test/support/registry-process.ts';
import { buildImage, busyboxEnv, entryAt, fileAt, kilnBuild, namesIn, plainSteps, rawEvents, readLayout, saveImage, writeContext } from './support/build-cli.ts';
import { kiln, kilnEnv, kilnOnTty, listImages, makeBusyboxLayout, skopeo, type KilnEnv } from './support/images-cli.ts';

let work: string;
let layout: string;
let k: KilnEnv;

test.before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-build-flags-'));
  layout = path.join(work, 'busybox');
  makeBusyboxLayout(layout);
  k = busyboxEnv(path.join(work, 'env'), layout);
});

test.after.always(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const hostArch = process.arch === 'x64' ? 'amd64' : process.arch;

test.serial('-f from outside the context (with its own NAME.dockerignore) and from stdin; -t repeated; --label; --iidfile', (t) => {
  const context = writeContext(path.join(work, 'ctx-f'), { 'kept.txt': 'kept\n', 'dropped.txt': 'dropped\n', '.dockerignore': 'kept.txt\n' });
  const dockerfiles = writeContext(path.join(work, 'dockerfiles'), {
    'app.Dockerfile': 'FROM busybox\nCOPY . /ctx\nLABEL from=dockerfile\n',
    'app.Dockerfile.dockerignore': 'dropped.txt\n',
  });
  const iid = path.join(work, 'iid.txt');
  const image = buildImage(k, context, work, ['-f', path.join(dockerfiles, 'app.Dockerfile'), '-t', 'kiln-test/first:1', '-t', 'kiln-test/second', '--label', 'org.example.build=yes', '--label', 'from=flag', '--iidfile', iid]);
  // The Dockerfile's own .dockerignore wins over the context's.
  t.deepEqual(namesIn(image.tree, 'ctx'), ['.dockerignore', 'kept.txt']);
  t.deepEqual(image.config.config?.Labels, { from: 'flag', 'org.example.build': 'yes' });
  // buildImage adds a -t of its own (kiln-test/built:N); every -t names the same image.
  const names = listImages(k).filter((i) => i.id === image.manifest.config.digest).map((i) => i.name).filter((n) => !n.startsWith('docker.io/kiln-test/built:')).sort();
  t.deepEqual(names, ['docker.io/kiln-test/first:1', 'docker.io/kiln-test/second:latest']);
  t.is(fs.readFileSync(iid, 'utf8').trim(), image.manifest.config.digest);

  const stdin = buildImage(k, context, work, ['-f', '-'], 'FROM busybox\nCOPY dropped.txt /from-stdin.txt\n');
  t.is(fileAt(stdin.tree, 'from-stdin.txt'), 'dropped\n');
  // Without a Dockerfile of its own, the context's .dockerignore applies.
  const ignored = kilnBuild(k, context, ['-f', '-'], 'FROM busybox\nCOPY kept.txt /x\n');
  t.not(ignored.status, 0);
  t.regex(ignored.stderr, /kept\.txt.*not found/);
});

test.serial('--progress=plain prints BuildKit\'s plain format, quiet only the image id, rawjson one JSON event per line, auto on a terminal a live display', (t) => {
  const context = writeContext(path.join(work, 'progress'), { Dockerfile: 'FROM busybox\nRUN echo first-line && echo second-line\n' });
  const plain = kilnBuild(k, context, ['--no-cache']);
  t.is(plain.status, 0, plain.stderr);
  const run = plainSteps(plain.stderr).find((s) => s.name === '[2/2] RUN echo first-line && echo second-line' || s.name.endsWith('] RUN echo first-line && echo second-line'));
  t.truthy(run, plain.stderr);
  t.deepEqual(run?.logs, ['first-line', 'second-line']);
  t.true(run?.done);
  t.regex(plain.stderr, /^#\d+ \d+\.\d{3} first-line$/m);
  t.regex(plain.stderr, /^#\d+ DONE \d+\.\ds$/m);
  t.regex(plain.stderr, /^#1 \[internal\] load build definition from Dockerfile$/m);

  const quiet = kiln(k, ['build', '--progress=quiet', context]);
  t.is(quiet.status, 0, quiet.stderr);
  t.regex(quiet.stdout, /^sha256:[0-9a-f]{64}\n$/);
  t.is(quiet.stderr, '');

  const raw = kilnBuild(k, context, ['--progress=rawjson']);
  t.is(raw.status, 0, raw.stderr);
  const lines = raw.stderr.split('\n').filter((l) => l !== '');
  t.true(lines.every((l) => l.startsWith('{')), raw.stderr);
  const events = rawEvents(raw.stderr);
  t.true(events.some((e) => e.type === 'vertex.cached' && e.name?.includes('RUN echo first-line')));
  t.false(raw.stderr.includes('#1 '));

  const tty = kilnOnTty(k, ['build', '--no-cache', context]);
  t.is(tty.status, 0, tty.stdout);
  t.true(tty.stdout.includes('\x1b['), 'a terminal gets the live display');
  t.regex(tty.stdout, /\[\+\] Building [\d.]+s \(\d+\/\d+\) FINISHED/);
  t.regex(tty.stdout, /=> \[2\/2\] RUN echo first-line && echo second-line +\d+\.\ds/);
});

test.serial('-o type=oci writes a tar skopeo inspects and umoci unpacks (tar=false a layout directory); -o type=local the final tree', (t) => {
  const context = writeContext(path.join(work, 'outputs'), { Dockerfile: 'FROM busybox\nRUN mkdir /app && echo out > /app/out.txt && ln -s out.txt /app/link\nCMD ["cat", "/app/out.txt"]\n' });
  const ociTar = path.join(work, 'out-oci.tar');
  const ociDir = path.join(work, 'out-oci-dir');
  const local = path.join(work, 'out-local');
  const r = kilnBuild(k, context, ['-t', 'kiln-test/outputs', '-o', `type=oci,dest=${ociTar}`, '-o', `type=oci,dest=${ociDir},tar=false`, '-o', `type=local,dest=${local}`]);
  t.is(r.status, 0, r.stderr);

  const inspected = JSON.parse(skopeo('inspect', `oci-archive:${ociTar}`)) as { Digest: string; Layers: string[]; Architecture: string };
  t.is(inspected.Architecture, hostArch);
  const fromDir = readLayout(ociDir, path.join(work, 'out-oci-dir-tree'));
  t.is(inspected.Digest, fromDir.manifestDigest);
  t.deepEqual(fromDir.config.config?.Cmd, ['cat', '/app/out.txt']);
  t.is(inspected.Layers.length, fromDir.manifest.layers.length);
  const extracted = path.join(work, 'out-oci-extracted');
  fs.mkdirSync(extracted);
  execFileSync('tar', ['-xf', ociTar, '-C', extracted]);
  const index = JSON.parse(fs.readFileSync(path.join(extracted, 'index.json'), 'utf8')) as { manifests: { annotations?: Record<string, string> }[] };
  const tag = index.manifests[0]?.annotations?.['org.opencontainers.image.ref.name'] ?? 'latest';
  const bundle = path.join(work, 'umoci-bundle');
  execFileSync('umoci', ['unpack', '--rootless', '--image', `${extracted}:${tag}`, bundle], { stdio: 'pipe' });
  t.is(fileAt(path.join(bundle, 'rootfs'), 'app/out.txt'), 'out\n');
  t.like(entryAt(path.join(bundle, 'rootfs'), 'app/link'), { type: 'symlink', content: 'out.txt' });

  t.is(fileAt(local, 'app/out.txt'), 'out\n');
  t.like(entryAt(local, 'app/link'), { type: 'symlink', content: 'out.txt' });
  t.true(fs.existsSync(path.join(local, 'bin', 'busybox')));
  // The image is also in the store under its tag, the same as the OCI output.
  const stored = saveImage(k, 'kiln-test/outputs', path.join(work, 'out-stored'));
  t.is(stored.manifest.config.digest, fromDir.manifest.config.digest);
});

test.serial('--platform: the host\'s builds, another one fails clearly before anything runs', (t) => {
  const context = writeContext(path.join(work, 'platform'), { Dockerfile: 'FROM busybox\nRUN echo ran > /ran\n' });
  const ok = buildImage(k, context, work, ['--platform', `linux/${hostArch}`]);
  t.is(ok.config.architecture, hostArch);
  const other = hostArch === 'arm64' ? 'linux/amd64' : 'linux/arm64';
  const r = kilnBuild(k, context, ['--platform', other]);
  t.is(r.status, 1);
  t.true(r.stderr.includes(other), r.stderr);
  t.regex(r.stderr, /host platform/);
  t.notRegex(r.stderr, /RUN echo ran/);
});

test.serial('FROM an image only in a registry pulls it; a moved tag is seen again only with --pull', async (t) => {
  let registry: RunningRegistry | undefined;
  try {
    registry = await startRegistry();
    skopeo('copy', '--dest-tls-verify=false', `oci:${layout}:latest`, `docker://${registry.host}/base:latest`);
    const user = kilnEnv(path.join(work, 'pull-env'));
    const context = writeContext(path.join(work, 'pull'), { Dockerfile: `FROM ${registry.host}/base\nRUN ls / > /listing\n` });
    const first = buildImage(user, context, work);
    t.false(fileAt(first.tree, 'listing').includes('v2'));

    // Someone else moves the tag to an image with /v2 in it.
    const other = busyboxEnv(path.join(work, 'pull-other'), layout);
    const v2 = writeContext(path.join(work, 'pull-v2'), { Dockerfile: 'FROM busybox\nRUN echo 2 > /v2\n' });
    t.is(kilnBuild(other, v2, ['-t', `${registry.host}/base:latest`]).status, 0);
    const pushed = kiln(other, ['push', `${registry.host}/base:latest`]);
    t.is(pushed.status, 0, pushed.stderr);

    const cached = buildImage(user, context, work);
    t.false(fileAt(cached.tree, 'listing').includes('v2'), 'without --pull the stored image is used');
    const pulled = buildImage(user, context, work, ['--pull']);
    t.true(fileAt(pulled.tree, 'listing').split('\n').includes('v2'), 'with --pull the tag is resolved again');
    t.regex(pulled.run.stderr, /cache miss: base image digest changed/);
  } finally {
    await registry?.stop();
  }
});
