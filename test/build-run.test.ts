// kiln build end to end: RUN forms and heredocs, --mount=bind|cache|tmpfs|secret|ssh, --network, secrets kept out of
// every byte kiln writes, and failed builds: BuildKit's error block, a non-zero exit, nothing left mounted or running.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { buildImage, busyboxEnv, entryAt, fileAt, kilnBuild, kilnBuildAsync, leftovers, readLayout, writeContext } from './support/build-cli.ts';
import { kilnBin, makeBusyboxLayout, type KilnEnv } from './support/images-cli.ts';

let work: string;
let layout: string;
let k: KilnEnv;

const fileSecret = 'kiln-file-secret-7f3a9c';
const envSecret = 'kiln-env-secret-51d0e2';

test.before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-build-run-'));
  layout = path.join(work, 'busybox');
  makeBusyboxLayout(layout);
  k = busyboxEnv(path.join(work, 'env'), layout, { KILN_TEST_SECRET: envSecret });
});

test.after.always(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const runDockerfile = `FROM busybox AS tools
RUN mkdir -p /opt/tool && echo tool > /opt/tool/t.txt

FROM busybox
RUN echo shell > /shell.txt && echo "$0" >> /shell.txt
RUN ["/bin/sh", "-c", "echo exec > /exec.txt"]
RUN <<EOF
echo heredoc-line-1 > /heredoc.txt
echo heredoc-line-2 >> /heredoc.txt
EOF
RUN cat > /stdin.txt <<EOT
from stdin
EOT
RUN --mount=type=bind,target=/ctx cat /ctx/ctx.txt > /bind.txt && (touch /ctx/new 2>/dev/null && echo rw || echo ro) >> /bind.txt
RUN --mount=type=bind,from=tools,source=/opt/tool,target=/t,rw cat /t/t.txt > /bind-stage.txt && echo changed > /t/t.txt
RUN --mount=type=tmpfs,target=/scratch echo tmp > /scratch/x && grep -q ' /scratch tmpfs' /proc/mounts && ls /scratch > /tmpfs.txt
RUN --mount=type=cache,target=/var/cache/app,id=appcache,uid=1000,mode=0700 echo cached > /var/cache/app/c && stat -c '%u %a' /var/cache/app > /cache.txt
RUN --mount=type=secret,id=tok sha256sum /run/secrets/tok | cut -d' ' -f1 > /secret-file.txt && grep -q ' /run/secrets/tok tmpfs' /proc/mounts && echo tmpfs >> /secret-file.txt
RUN --mount=type=secret,id=envsec,env=MY_SECRET printf %s "$MY_SECRET" | sha256sum | cut -d' ' -f1 > /secret-env.txt
RUN --mount=type=secret,id=missing,required=false test ! -e /run/secrets/missing && echo skipped > /secret-optional.txt
RUN --mount=type=ssh test ! -S "$SSH_AUTH_SOCK" && echo skipped > /ssh.txt
RUN --network=none tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort > /net-none.txt
RUN --network=host tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort > /net-host.txt
`;

const sha256 = (s: string): string => execFileSync('sha256sum', { input: s, encoding: 'utf8' }).split(' ')[0]!;
const hostInterfaces = (): string => fs.readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2).map((l) => l.split(':')[0]!.trim()).filter((n) => n !== '').sort().join('\n') + '\n';

test.serial('RUN forms, heredocs, bind/tmpfs/cache/secret/ssh mounts and --network: the image holds their effects and none of the mounts', (t) => {
  const secretFile = path.join(work, 'tok.secret');
  fs.writeFileSync(secretFile, fileSecret);
  const context = writeContext(path.join(work, 'run'), { Dockerfile: runDockerfile, 'ctx.txt': 'ctxfile\n' });
  const ociTar = path.join(work, 'run-oci.tar');
  const image = buildImage(k, context, work, ['--allow', 'network.host', '--secret', `id=tok,src=${secretFile}`, '--secret', 'id=envsec,env=KILN_TEST_SECRET', '-o', `type=oci,dest=${ociTar}`]);
  const tree = image.tree;

  t.is(fileAt(tree, 'shell.txt'), 'shell\n/bin/sh\n');
  t.is(fileAt(tree, 'exec.txt'), 'exec\n');
  t.is(fileAt(tree, 'heredoc.txt'), 'heredoc-line-1\nheredoc-line-2\n');
  t.is(fileAt(tree, 'stdin.txt'), 'from stdin\n');
  // bind: the context by default, read-only; from a stage with rw, whose writes are thrown away.
  t.is(fileAt(tree, 'bind.txt'), 'ctxfile\nro\n');
  t.is(fileAt(tree, 'bind-stage.txt'), 'tool\n');
  t.is(entryAt(tree, 'opt'), undefined);
  t.is(fileAt(tree, 'tmpfs.txt'), 'x\n');
  t.is(fileAt(tree, 'cache.txt'), '1000 700\n');
  t.is(fileAt(tree, 'secret-file.txt'), `${sha256(fileSecret)}\ntmpfs\n`);
  t.is(fileAt(tree, 'secret-env.txt'), `${sha256(envSecret)}\n`);
  t.is(fileAt(tree, 'secret-optional.txt'), 'skipped\n');
  t.is(fileAt(tree, 'ssh.txt'), 'skipped\n');
  t.is(fileAt(tree, 'net-none.txt'), 'lo\n');
  t.is(fileAt(tree, 'net-host.txt'), hostInterfaces());
  // Mount targets are not left in the image, nor is anything written to the mounts.
  for (const gone of ['scratch', 'var/cache', 'run/secrets', 'ctx', 't', 'run/buildkit']) t.is(entryAt(tree, gone), undefined, gone);

  // The secrets' values are nowhere: not in the image store, the cache, the OCI output or the progress.
  t.false(image.run.stderr.includes(fileSecret) || image.run.stderr.includes(envSecret));
  const found = (dir: string): string => {
    try {
      return execFileSync('grep', ['-r', '-l', '-a', '-F', '-e', fileSecret, '-e', envSecret, dir], { encoding: 'utf8' });
    } catch (error) {
      if ((error as { status?: number }).status === 1) return '';
      throw error;
    }
  };
  t.is(found(k.root), '', 'a secret reached the kiln root');
  const oci = path.join(work, 'run-oci');
  fs.mkdirSync(oci);
  execFileSync('tar', ['-xf', ociTar, '-C', oci]);
  t.is(found(oci), '', 'a secret reached the OCI output');
  // Layers are compressed: look inside them too.
  const ociTree = readLayout(oci, path.join(work, 'run-oci-tree'));
  t.is(found(ociTree.tree), '');
  t.is(fileAt(ociTree.tree, 'secret-env.txt'), `${sha256(envSecret)}\n`);

  // Nor in a cache key: another value reuses the steps (as BuildKit, a secret's change does not rerun them).
  fs.writeFileSync(secretFile, `${fileSecret}-rotated`);
  const again = kilnBuild(k, context, ['--allow', 'network.host', '--secret', `id=tok,src=${secretFile}`, '--secret', 'id=envsec,env=KILN_TEST_SECRET']);
  t.is(again.status, 0, again.stderr);
  t.regex(again.stderr, /^#(\d+) \[stage-1 \d+\/\d+\] RUN --mount=type=secret,id=tok .*\n#\1 CACHED$/m);
});

test.serial('kiln build --network=none gives RUN steps without --network only the loopback interface; RUN --network=host needs --allow network.host', (t) => {
  const context = writeContext(path.join(work, 'net'), {
    Dockerfile: 'FROM busybox\nRUN tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " > /net.txt\nRUN --network=host tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sort > /host.txt\n',
  });
  const refused = kilnBuild(k, context, ['--network', 'none']);
  t.not(refused.status, 0);
  t.regex(refused.stderr, /entitlement network\.host is not allowed .*--allow network\.host/);
  const image = buildImage(k, context, work, ['--network', 'none', '--allow', 'network.host']);
  t.is(fileAt(image.tree, 'net.txt'), 'lo\n');
  t.is(fileAt(image.tree, 'host.txt'), hostInterfaces());
  const bad = kilnBuild(k, context, ['--network', 'bridge']);
  t.not(bad.status, 0);
  t.regex(bad.stderr, /--network "bridge".*default, none or host/);
});

test.serial('a failed RUN shows its Dockerfile line, the marked lines around it, its command, exit code and last output; nothing is left behind', async (t) => {
  const context = writeContext(path.join(work, 'fail'), {
    Dockerfile: [
      'FROM busybox AS slow',
      'RUN --mount=type=cache,target=/c sleep 20',
      '',
      'FROM busybox AS failing',
      'WORKDIR /w',
      'RUN --mount=type=tmpfs,target=/t echo first-words && echo last-words >&2 && exit 7',
      'RUN echo never',
      '',
      'FROM busybox',
      'COPY --from=slow /etc/hostname /a',
      'COPY --from=failing /etc/hostname /b',
      '',
    ].join('\n'),
  });
  const started = Date.now();
  const r = await kilnBuildAsync(k, context, []);
  t.is(r.status, 1);
  // The first failure cancels the rest: the sleeping sibling stage is killed, not waited for.
  t.true(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
  t.regex(r.stderr, /Dockerfile:6\n-+\n/);
  t.regex(r.stderr, / {2}6 \| >>> RUN --mount=type=tmpfs,target=\/t echo first-words/);
  t.regex(r.stderr, / {2}5 \| {5}WORKDIR \/w\n/);
  t.regex(r.stderr, /exit code: 7/);
  t.regex(r.stderr, /#\d+ last-words/);
  t.regex(r.stderr, /echo first-words && echo last-words >&2 && exit 7/);
  t.notRegex(r.stderr, /^#\d+ \[failing 3\/3\] RUN echo never/m);
  t.deepEqual(leftovers(k.root), { mounts: [], containers: [] });

  // An ssh mount is optional unless `required`, as in BuildKit; a required one without an agent fails clearly, at its line.
  const ssh = kilnBuild(k, context, ['-f', '-'], 'FROM busybox\nRUN --mount=type=ssh,required=true true\n');
  t.is(ssh.status, 1);
  t.regex(ssh.stderr, /Dockerfile:2/);
  t.regex(ssh.stderr, /SSH|ssh/);
  t.regex(ssh.stderr, /--ssh/);
  t.deepEqual(leftovers(k.root), { mounts: [], containers: [] });
});

test.serial('an interrupted build (SIGINT) cancels its running step, exits non-zero and leaves nothing mounted or running', async (t) => {
  const context = writeContext(path.join(work, 'interrupt'), { Dockerfile: 'FROM busybox\nRUN --mount=type=cache,target=/c --mount=type=tmpfs,target=/t sleep 30\n' });
  const child = spawn(kilnBin, ['build', '--progress=plain', context], { env: k.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let interrupted = false;
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
    if (!interrupted && /RUN --mount=type=cache/.test(stderr)) {
      interrupted = true;
      setTimeout(() => child.kill('SIGINT'), 500);
    }
  });
  const started = Date.now();
  const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
  t.not(status, 0);
  t.true(Date.now() - started < 20_000, 'the sleeping step was killed, not waited for');
  t.regex(stderr, /^#\d+ CANCELED$/m);
  t.deepEqual(leftovers(k.root), { mounts: [], containers: [] });
});
