// The image config as BuildKit writes it: fields, inheritance, the ENTRYPOINT/CMD rule, history lines, created.
import test from 'ava';
import { goDuration } from '@kiln/dockerfile-frontend';
import type { ExecOp, FileOp } from '@kiln/llb';
import { convert, createdBy, imageConfig } from './convert-support.ts';

test('FROM scratch: WorkingDir /, default PATH, target platform, empty diff_ids, no vertices', async (t) => {
  const r = await convert('FROM scratch\nENV A=b\n');
  t.deepEqual(r.image.config, { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'A=b'], WorkingDir: '/' });
  t.like(r.image, { os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [] } });
  t.deepEqual(r.definition, { vertices: [], root: undefined });
  // No epoch: times are left for the exporter to fill from the layers, as BuildKit does.
  t.deepEqual(r.image.history, [{ created_by: 'ENV A=b', comment: 'buildkit.dockerfile.v0', empty_layer: true }]);
  t.is(r.image.created, undefined);
});

test('every metadata instruction sets its field and writes BuildKit\'s history line', async (t) => {
  const r = await convert([
    'FROM busybox',
    'LABEL org.example.a="x y" b=2',
    'EXPOSE 80 443/udp 8000-8001',
    'VOLUME ["/data", "/logs"]',
    'VOLUME /cache',
    'STOPSIGNAL SIGTERM',
    'HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD curl -f http://localhost/',
    'MAINTAINER someone',
    'USER 1000',
    'WORKDIR app',
    'ENTRYPOINT ["/bin/app"]',
    'CMD ["--serve"]',
    'ONBUILD RUN echo later',
  ].join('\n'));
  const c = r.image.config!;
  t.deepEqual(c.Labels, { 'org.example.a': 'x y', b: '2' });
  t.deepEqual(c.ExposedPorts, { '80/tcp': {}, '443/udp': {}, '8000/tcp': {}, '8001/tcp': {} });
  t.deepEqual(c.Volumes, { '/data': {}, '/logs': {}, '/cache': {} });
  t.is(c.StopSignal, 'SIGTERM');
  t.deepEqual(c.Healthcheck, { Test: ['CMD-SHELL', 'curl -f http://localhost/'], Interval: 30e9, Timeout: 5e9, Retries: 3 });
  t.is(r.image.author, 'someone');
  t.is(c.User, '1000');
  t.is(c.WorkingDir, '/app');
  t.deepEqual(c.Entrypoint, ['/bin/app']);
  t.deepEqual(c.Cmd, ['--serve']);
  t.true(c.ArgsEscaped);
  t.deepEqual(c.OnBuild, ['RUN echo later']);
  t.deepEqual(createdBy(r).slice(1), [
    'LABEL org.example.a=x y b=2',
    'EXPOSE [443/udp 80/tcp 8000/tcp 8001/tcp]',
    'VOLUME [/data /logs]',
    'VOLUME [/cache]',
    'STOPSIGNAL SIGTERM',
    'HEALTHCHECK {Test:[CMD-SHELL curl -f http://localhost/] Interval:30s Timeout:5s StartPeriod:0s StartInterval:0s Retries:3}',
    'MAINTAINER someone',
    'USER 1000',
    'WORKDIR /app',
    'ENTRYPOINT ["/bin/app"]',
    'CMD ["--serve"]',
  ]);
  const empty = r.image.history!.slice(1).map((h) => h.empty_layer === true);
  t.deepEqual(empty, [true, true, true, true, true, true, true, true, false, true, true], 'only WORKDIR made a layer');
  t.is(r.image.history![0]!.created_by, 'layer 0', 'base image history comes first');
});

test('WORKDIR makes its directory with parents, owned by USER, and / makes no layer', async (t) => {
  const r = await convert('FROM busybox\nUSER app\nWORKDIR /srv/x\nWORKDIR /\nWORKDIR rel\n', { buildArgs: new Map([['SOURCE_DATE_EPOCH', '10']]) });
  const mkdirs = r.definition.vertices.filter((v) => v.vertex.op.type === 'file').map((v) => (v.vertex.op as FileOp).actions[0]!.action);
  t.deepEqual(mkdirs, [
    { kind: 'mkdir', path: '/srv/x', mode: 0o755, makeParents: true, owner: { user: { name: 'app' } }, timestamp: 10 },
    { kind: 'mkdir', path: '/rel', mode: 0o755, makeParents: true, owner: { user: { name: 'app' } }, timestamp: 10 },
  ]);
  t.deepEqual(createdBy(r).slice(-3), ['WORKDIR /srv/x', 'WORKDIR /', 'WORKDIR /rel']);
  t.deepEqual(r.image.history!.slice(-3).map((h) => h.empty_layer === true), [false, true, false]);
  t.is(r.image.created, '1970-01-01T00:00:10Z');
  t.true(r.image.history!.slice(-3).every((h) => h.created === '1970-01-01T00:00:10Z'));
});

test('ENTRYPOINT resets an inherited CMD', async (t) => {
  const r = await convert('FROM busybox\nENTRYPOINT ["/bin/app"]\n');
  t.is(r.image.config!.Cmd, undefined, 'busybox\'s CMD ["sh"] is gone');
  t.deepEqual(r.image.config!.Entrypoint, ['/bin/app']);
});

test('ENTRYPOINT keeps a CMD set earlier in the same stage, and resets one inherited from a parent stage', async (t) => {
  const same = await convert('FROM busybox\nCMD ["x"]\nENTRYPOINT ["/e"]\n');
  t.deepEqual(same.image.config!.Cmd, ['x']);
  const child = await convert('FROM busybox AS base\nCMD ["x"]\nFROM base\nENTRYPOINT ["/e"]\n');
  t.is(child.image.config!.Cmd, undefined);
});

test('shell-form CMD and ENTRYPOINT are wrapped in SHELL; ENTRYPOINT [] clears it; history uses Go %q', async (t) => {
  const r = await convert('FROM busybox\nSHELL ["/bin/ash", "-c"]\nCMD echo "hi"\nENTRYPOINT []\n');
  t.deepEqual(createdBy(r).slice(-2), ['CMD ["/bin/ash" "-c" "echo \\"hi\\""]', 'ENTRYPOINT []']);
  t.is(r.image.config!.Entrypoint, undefined);
  t.deepEqual(r.image.config!.Cmd, ['/bin/ash', '-c', 'echo "hi"'], 'CMD came earlier in this stage, so it stays');
});

test('ENV replaces an inherited variable in place and expands with the values before the line', async (t) => {
  const r = await convert('FROM busybox\nENV PATH=/opt/bin:$PATH A=1\nENV A=2 B=$A\n');
  t.deepEqual(r.image.config!.Env, ['PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'A=2', 'B=1']);
  t.deepEqual(createdBy(r).slice(-2), ['ENV PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin A=1', 'ENV A=2 B=1']);
});

test('the base image config is inherited: Env, WorkingDir, User, Labels, ports, volumes, healthcheck, shell', async (t) => {
  const base = imageConfig({
    Env: ['FOO=bar'], WorkingDir: '/base', User: 'nobody', Labels: { l: '1' }, ExposedPorts: { '22/tcp': {} }, Volumes: { '/v': {} },
    Healthcheck: { Test: ['NONE'] }, Shell: ['/bin/bash', '-c'], StopSignal: 'SIGINT',
  });
  const r = await convert('FROM example.com/base:1\nRUN pwd\n', { images: { 'example.com/base:1': base } });
  t.like(r.image.config, { WorkingDir: '/base', User: 'nobody', Labels: { l: '1' }, ExposedPorts: { '22/tcp': {} }, Volumes: { '/v': {} }, StopSignal: 'SIGINT' });
  t.deepEqual(r.image.config!.Env, ['FOO=bar', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], 'PATH is added when the base has none');
  const run = r.definition.vertices.find((v) => v.vertex.op.type === 'exec')!.vertex.op as ExecOp;
  t.like(run.meta, { cwd: '/base', user: 'nobody', args: ['/bin/bash', '-c', 'pwd'] });
  t.is(r.calls[0], 'example.com/base:1 linux/amd64');
});

test('--label adds labels to the final image only', async (t) => {
  const r = await convert('FROM busybox AS a\nLABEL x=1\nFROM a\n', { labels: new Map([['build', 'ci']]) });
  t.deepEqual(r.image.config!.Labels, { x: '1', build: 'ci' });
});

test('STOPSIGNAL checks the signal after expansion', async (t) => {
  await t.throwsAsync(convert('FROM busybox\nSTOPSIGNAL SIGNOPE\n'), { message: 'Invalid signal: SIGNOPE' });
  const r = await convert('FROM busybox\nARG S=9\nSTOPSIGNAL $S\n');
  t.is(r.image.config!.StopSignal, '9');
});

test('an explicit target platform is written into the image', async (t) => {
  const r = await convert('FROM scratch\n', { targetPlatform: { os: 'linux', architecture: 'arm', variant: 'v7' } });
  t.like(r.image, { os: 'linux', architecture: 'arm', variant: 'v7' });
});

test('Go duration formatting matches time.Duration.String', (t) => {
  t.is(goDuration(0), '0s');
  t.is(goDuration(1_500), '1.5µs');
  t.is(goDuration(100e6), '100ms');
  t.is(goDuration(90e9), '1m30s');
  t.is(goDuration(3600e9), '1h0m0s');
  t.is(goDuration(1.25e9), '1.25s');
});

test("the resolved SOURCE_DATE_EPOCH is returned for the exporter, also from the Dockerfile's own ARG", async (t) => {
  const { convertDockerfile } = await import('@kiln/dockerfile-frontend');
  const { parseDockerfile } = await import('@kiln/dockerfile-syntax');
  const convert = (text: string, buildArgs = new Map<string, string>()) =>
    convertDockerfile(parseDockerfile(text), {
      targetPlatform: { os: 'linux', architecture: 'amd64' },
      buildPlatform: { os: 'linux', architecture: 'amd64' },
      resolveImage: () => Promise.reject(new Error('no images here')),
      buildArgs,
    });
  t.is((await convert('ARG SOURCE_DATE_EPOCH=1234\nFROM scratch\n')).sourceDateEpoch, 1234);
  t.is((await convert('FROM scratch\n', new Map([['SOURCE_DATE_EPOCH', '99']]))).sourceDateEpoch, 99);
  t.is((await convert('FROM scratch\n')).sourceDateEpoch, undefined);
});
