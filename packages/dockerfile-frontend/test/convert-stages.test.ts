// Stages: target selection, pruning (unreached stages never resolve nor fail), ARG scoping, predefined args, ONBUILD.
import test from 'ava';
import { DockerfileSyntaxError } from '@kiln/errors';
import { convert, createdBy, execs, imageConfig, names } from './convert-support.ts';

const envOf = (r: Awaited<ReturnType<typeof convert>>, i = 0) => execs(r)[i]!.vertex.op.meta.env;

test('stages the target does not need are never resolved nor converted, even broken ones', async (t) => {
  const text = [
    'FROM example.com/missing:1 AS broken',
    'RUN ${NOPE:?this stage must not be converted}',
    'COPY ../outside /x',
    'FROM busybox AS used',
    'RUN echo used',
    'FROM used',
    'RUN echo final',
  ].join('\n');
  const r = await convert(text);
  t.deepEqual(r.calls, ['docker.io/library/busybox:latest linux/amd64']);
  t.deepEqual(execs(r).map((e) => e.vertex.op.meta.args.at(-1)), ['echo used', 'echo final']);
  t.deepEqual(r.target, { index: 2 });
});

test('--target picks a stage (case-insensitive) and prunes what follows', async (t) => {
  const r = await convert('FROM busybox AS Build\nRUN make\nFROM busybox\nRUN exit 1\n', { target: 'BUILD' });
  t.deepEqual(r.target, { index: 0, name: 'build' });
  t.deepEqual(execs(r).map((e) => e.vertex.op.meta.args.at(-1)), ['make']);
});

test('parse errors are raised in unreached stages too', async (t) => {
  await t.throwsAsync(convert('FROM busybox AS a\nRUN --bogus true\nFROM busybox\n'), { instanceOf: DockerfileSyntaxError, message: /unknown flag: --bogus/ });
});

test('a failing image resolution is located at the FROM line', async (t) => {
  const error = await t.throwsAsync(convert('FROM busybox\nFROM example.com/nope:1\n'));
  t.regex(error!.message, /^docker\.io\/library\/busybox:latest|example\.com\/nope:1: pull access denied/);
  t.is((error as unknown as { range: { start: { line: number } } }).range.start.line, 2);
});

test('global ARGs reach FROM lines but a stage only when redeclared', async (t) => {
  const r = await convert('ARG TAG=1.36\nARG OTHER=x\nFROM busybox:$TAG\nARG TAG\nRUN echo $TAG $OTHER\n');
  t.deepEqual(r.calls, ['docker.io/library/busybox:1.36 linux/amd64']);
  t.deepEqual(envOf(r).slice(1), ['TAG=1.36'], 'OTHER is not in scope');
  t.is(createdBy(r).at(-1), 'RUN |1 TAG=1.36 /bin/sh -c echo $TAG $OTHER # buildkit');
});

test('--build-arg overrides the default (never evaluated) and a global ARG', async (t) => {
  const r = await convert('ARG V=1\nFROM busybox\nARG V\nARG W=${UNSET:?must not be evaluated}\nRUN true\n', {
    buildArgs: new Map([['V', '9'], ['W', 'given'], ['UNDECLARED', 'x']]),
  });
  t.deepEqual(envOf(r).slice(1), ['V=9', 'W=given']);
});

test('ARGs are inherited by stages built FROM the stage, not by unrelated stages', async (t) => {
  const r = await convert('FROM busybox AS base\nARG A=1\nFROM base AS child\nRUN child\nFROM busybox AS other\nCOPY --from=child / /\nRUN other\n');
  // The child re-adds the image's Env when it starts, so PATH moves after A (llb's EnvList replaces by moving to the end).
  t.deepEqual(envOf(r, 0), ['A=1', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
  t.deepEqual(envOf(r, 1).slice(1), []);
  t.is(createdBy(r).at(-1), 'RUN /bin/sh -c other # buildkit');
});

test('ENV shadows an ARG of the same name', async (t) => {
  const r = await convert('FROM busybox\nARG X=arg\nENV X=env\nRUN true\n');
  t.deepEqual(envOf(r).slice(1), ['X=env']);
  t.is(createdBy(r).at(-1), 'RUN |1 X=env /bin/sh -c true # buildkit');
});

test('predefined platform args are global: usable in FROM, and in a stage after ARG', async (t) => {
  const r = await convert('FROM --platform=$BUILDPLATFORM busybox AS b\nARG TARGETPLATFORM\nARG TARGETOS TARGETARCH TARGETVARIANT BUILDARCH\nRUN true\n', {
    targetPlatform: { os: 'linux', architecture: 'arm64' },
  });
  t.deepEqual(r.calls, ['docker.io/library/busybox:latest linux/amd64']);
  t.deepEqual(envOf(r).slice(1), ['TARGETPLATFORM=linux/arm64', 'TARGETOS=linux', 'TARGETARCH=arm64', 'TARGETVARIANT=', 'BUILDARCH=amd64']);
  const plain = await convert('FROM busybox\nRUN true\n');
  t.false(envOf(plain).some((e) => e.startsWith('TARGET')), 'not in scope without ARG');
});

test('TARGETSTAGE names the stage being built (default when unnamed)', async (t) => {
  const named = await convert('FROM busybox AS a\nARG TARGETSTAGE\nRUN true\nFROM busybox AS final\nARG TARGETSTAGE\nRUN true\n', { target: 'a' });
  t.true(envOf(named).includes('TARGETSTAGE=a'));
  const last = await convert('FROM busybox AS a\nFROM busybox AS final\nARG TARGETSTAGE\nRUN true\n');
  t.true(envOf(last).includes('TARGETSTAGE=final'));
  const unnamed = await convert('FROM busybox\nARG TARGETSTAGE\nRUN true\n');
  t.true(envOf(unnamed).includes('TARGETSTAGE=default'));
});

test('proxy build-args reach RUN as proxy env, not env, and stay out of history unless declared', async (t) => {
  const r = await convert('FROM busybox\nRUN true\n', { buildArgs: new Map([['HTTP_PROXY', 'http://p:3128'], ['no_proxy', 'local']]) });
  const meta = execs(r)[0]!.vertex.op.meta as { env: readonly string[]; proxyEnv?: unknown };
  t.deepEqual(meta.proxyEnv, { httpProxy: 'http://p:3128', noProxy: 'local' });
  t.false(meta.env.some((e) => /proxy/i.test(e)));
  t.is(createdBy(r).at(-1), 'RUN /bin/sh -c true # buildkit');
  const declared = await convert('FROM busybox\nARG HTTP_PROXY\nRUN true\n', { buildArgs: new Map([['HTTP_PROXY', 'http://p:3128']]) });
  t.is(createdBy(declared).at(-1), 'RUN |1 HTTP_PROXY=http://p:3128 /bin/sh -c true # buildkit');
});

test('ONBUILD triggers of a base image run first, named ONBUILD, and are not passed on', async (t) => {
  const base = imageConfig({ OnBuild: ['COPY app /app', 'RUN echo built'] });
  const r = await convert('FROM example.com/onbuild:1\nRUN echo mine\n', { images: { 'example.com/onbuild:1': base } });
  t.deepEqual(names(r).filter((n) => !n.startsWith('[internal]')).slice(1), ['[2/4] ONBUILD COPY app /app', '[3/4] ONBUILD RUN echo built', '[4/4] RUN echo mine']);
  t.is(r.image.config!.OnBuild, undefined);
  t.deepEqual(createdBy(r).slice(-3), ['COPY app /app # buildkit', 'RUN /bin/sh -c echo built # buildkit', 'RUN /bin/sh -c echo mine # buildkit']);
});

test('ONBUILD in a stage runs in stages built FROM it, and its --from stages become dependencies', async (t) => {
  const r = await convert([
    'FROM busybox AS assets',
    'RUN echo assets',
    'FROM busybox AS base',
    'ONBUILD COPY --from=assets /a /a',
    'FROM base',
    'RUN ls /a',
  ].join('\n'));
  t.deepEqual(execs(r).map((e) => e.vertex.op.meta.args.at(-1)), ['echo assets', 'ls /a']);
  t.true(names(r).includes('[stage-2 1/2] ONBUILD COPY --from=assets /a /a'));
  t.is(r.image.config!.OnBuild, undefined);
  const base = await convert('FROM busybox AS base\nONBUILD RUN x\n');
  t.deepEqual(base.image.config!.OnBuild, ['RUN x'], 'the stage itself keeps its trigger for images built from it');
});

test('# syntax= is accepted and served by the built-in frontend, with one warning', async (t) => {
  const r = await convert('# syntax=docker/dockerfile:1.7\nFROM scratch\n');
  t.deepEqual(r.warnings.map((w) => w.message), ["# syntax=docker/dockerfile:1.7 is served by kiln's built-in Dockerfile frontend"]);
  t.is(r.warnings[0]!.range!.start.line, 1);
});

test('unnamed stages are called stage-N in step names when there are several', async (t) => {
  const r = await convert('FROM busybox\nRUN a\nFROM busybox\nCOPY --from=0 /a /a\n');
  t.deepEqual(names(r).filter((n) => /RUN|COPY/.test(n)), ['[stage-0 2/2] RUN a', '[stage-1 2/2] COPY --from=0 /a /a']);
});
