// RUN: shell and exec forms, environment, heredocs, history lines, --network/--security.
import test from 'ava';
import { validateDefinition } from '@kiln/llb';
import { convert, createdBy, execs, files, names, vertex } from './convert-support.ts';

test('shell-form RUN runs the default shell over the base image, with the image env, cwd / and root', async (t) => {
  const r = await convert('FROM busybox\nRUN echo hi\n');
  validateDefinition(r.definition);
  const [run] = execs(r);
  t.truthy(run);
  const op = run!.vertex.op;
  t.deepEqual(op.meta.args, ['/bin/sh', '-c', 'echo hi']);
  t.deepEqual(op.meta.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
  t.is(op.meta.cwd, '/');
  t.is(op.meta.user, '');
  t.is(op.meta.network, 'sandbox');
  t.deepEqual(op.mounts, [{ dest: '/', input: 0, output: 0, readonly: false, type: 'bind' }]);
  const base = vertex(r, run!.vertex.inputs[0]!.digest);
  t.is(base.vertex.op.type, 'source');
  t.regex((base.vertex.op as { identifier: string }).identifier, /^docker-image:\/\/docker\.io\/library\/busybox:latest@sha256:[0-9a-f]{64}$/);
  t.deepEqual(r.definition.root, { digest: run!.digest, output: 0 });
  t.is(run!.metadata.name, '[2/2] RUN echo hi');
  t.regex(base.metadata.name, /^\[1\/2\] FROM docker\.io\/library\/busybox:latest@sha256:/);
  t.deepEqual(createdBy(r).slice(-1), ['RUN /bin/sh -c echo hi # buildkit']);
  t.is(r.image.history!.at(-1)!.comment, 'buildkit.dockerfile.v0');
  t.is(r.image.history!.at(-1)!.empty_layer, undefined);
});

test('exec-form RUN is not wrapped in a shell; SHELL changes the wrapper of shell forms', async (t) => {
  const r = await convert('FROM busybox\nRUN ["echo", "a b"]\nSHELL ["/bin/bash", "-eu", "-c"]\nRUN echo $HOME\n');
  const [a, b] = execs(r);
  t.deepEqual(a!.vertex.op.meta.args, ['echo', 'a b']);
  t.deepEqual(b!.vertex.op.meta.args, ['/bin/bash', '-eu', '-c', 'echo $HOME']);
  t.deepEqual(createdBy(r).slice(-3), ['RUN echo a b # buildkit', 'SHELL [/bin/bash -eu -c]', 'RUN /bin/bash -eu -c echo $HOME # buildkit']);
  t.deepEqual(r.image.config?.Shell, ['/bin/bash', '-eu', '-c']);
});

test('ENV, WORKDIR and USER reach RUN; ARG values are in its env and in the history line', async (t) => {
  const r = await convert('FROM busybox\nENV A=1\nARG V=2\nARG NOVAL\nWORKDIR /src\nUSER app:app\nRUN make\n');
  const run = execs(r)[0]!.vertex.op;
  t.deepEqual(run.meta.env.slice(1), ['A=1', 'V=2']);
  t.is(run.meta.cwd, '/src');
  t.is(run.meta.user, 'app:app');
  t.deepEqual(createdBy(r).slice(-6), ['ENV A=1', 'ARG V=2', 'ARG NOVAL', 'WORKDIR /src', 'USER app:app', 'RUN |2 V=2 NOVAL= /bin/sh -c make # buildkit']);
  t.is(r.image.config?.Env?.includes('V=2'), false, 'ARG values never reach the image config');
});

test('RUN <<EOF runs the body as the script; the step name summarises it', async (t) => {
  const r = await convert('FROM busybox\nRUN <<EOF\necho one\necho two\nEOF\n');
  const run = execs(r)[0]!;
  t.deepEqual(run.vertex.op.meta.args, ['/bin/sh', '-c', 'echo one\necho two\n']);
  t.is(run.metadata.name, '[2/2] RUN <<EOF (echo one...)');
});

test('RUN <<-EOF strips leading tabs from the script', async (t) => {
  const r = await convert('FROM busybox\nRUN <<-EOF\n\techo one\n\tEOF\n');
  t.deepEqual(execs(r)[0]!.vertex.op.meta.args, ['/bin/sh', '-c', 'echo one\n']);
});

test('a #! heredoc is written to a file, mounted read-only under /dev/pipes and executed', async (t) => {
  const r = await convert('FROM busybox\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n');
  const run = execs(r)[0]!;
  t.deepEqual(run.vertex.op.meta.args, ['/bin/sh', '-c', '/dev/pipes/EOF']);
  const pipe = run.vertex.op.mounts.find((m) => m.dest === '/dev/pipes/')!;
  t.like(pipe, { readonly: true, output: -1, type: 'bind' });
  const script = vertex(r, run.vertex.inputs[pipe.input]!.digest);
  t.is(script.metadata.name, '[internal] preparing inline document');
  t.deepEqual(script.vertex.op, { type: 'file', actions: [{ input: -1, secondaryInput: -1, output: 0, action: { kind: 'mkfile', path: '/EOF', mode: 0o755, data: '#!/usr/bin/env python3\nprint(1)\n' } }] });
});

test('a complex heredoc line goes to the shell with each body and terminator appended', async (t) => {
  const r = await convert('FROM busybox\nRUN cat <<A >/a && cat <<B >/b\nfirst\nA\nsecond\nB\n');
  t.deepEqual(execs(r)[0]!.vertex.op.meta.args, ['/bin/sh', '-c', 'cat <<A >/a && cat <<B >/b\nfirst\nA\nsecond\nB']);
});

test('--network and --security reach the exec meta', async (t) => {
  const r = await convert('FROM busybox\nRUN --network=none true\nRUN --network=host --security=insecure true\n');
  const [a, b] = execs(r);
  t.is(a!.vertex.op.meta.network, 'none');
  t.is(b!.vertex.op.meta.network, 'host');
  t.is(b!.vertex.op.meta.security, 'insecure');
});

test('RUN on scratch mounts an empty root (input -1) and has no inputs', async (t) => {
  const r = await convert('FROM scratch\nRUN ["/x"]\n');
  const run = execs(r)[0]!;
  t.deepEqual(run.vertex.inputs, []);
  t.is(run.vertex.op.mounts[0]!.input, -1);
  t.is(run.metadata.name, '[1/1] RUN ["/x"]');
});

test('step names expand variables but keep quotes and unset variables as written', async (t) => {
  const r = await convert('FROM busybox\nARG V=1.2\nRUN echo "v=$V" $UNSET\n');
  t.is(execs(r)[0]!.metadata.name, '[2/2] RUN echo "v=1.2" $UNSET');
});

test('identical steps of two stages are one vertex (dedupe across stages)', async (t) => {
  const r = await convert('FROM busybox AS a\nRUN make\nFROM busybox AS b\nRUN make\nFROM scratch\nCOPY --from=a /x /a\nCOPY --from=b /x /b\n');
  t.is(execs(r).length, 1);
  const run = execs(r)[0]!;
  t.is(run.locations.length, 2, 'both Dockerfile lines are kept as locations');
  t.deepEqual(names(r).filter((n) => n.includes('FROM')).length, 1);
});

test('--no-cache marks RUN and COPY vertices ignoreCache; --no-cache-filter only the named stages', async (t) => {
  const all = await convert('FROM busybox\nRUN a\nCOPY f /f\n', { noCache: true });
  t.true(all.definition.vertices.filter((v) => v.vertex.op.type !== 'source').every((v) => v.metadata.ignoreCache));
  const some = await convert('FROM busybox AS a\nRUN a\nFROM busybox AS b\nCOPY --from=a / /\nRUN b\n', { noCacheFilter: ['A'] });
  const [ra, rb] = execs(some);
  t.true(ra!.metadata.ignoreCache);
  t.false(rb!.metadata.ignoreCache);
  t.false(files(some)[0]!.metadata.ignoreCache);
});

test('stable ids name file, stage and instruction; locations carry the instruction range', async (t) => {
  const r = await convert('FROM busybox AS build\nENV X=1\nRUN make\n', { file: 'app.Dockerfile' });
  const run = execs(r)[0]!;
  t.is(run.metadata.stableId, 'app.Dockerfile:build:2');
  t.deepEqual(run.locations, [{ file: 'app.Dockerfile', ranges: [{ start: { line: 3, column: 1 }, end: { line: 3, column: 8 } }] }]);
});

test('kiln build --network sets the network of RUN steps that do not choose one', async (t) => {
  const { convertDockerfile } = await import('@kiln/dockerfile-frontend');
  const { parseDockerfile } = await import('@kiln/dockerfile-syntax');
  const networks = async (network?: 'sandbox' | 'host' | 'none'): Promise<string[]> => {
    const r = await convertDockerfile(parseDockerfile('FROM scratch\nRUN a\nRUN --network=host b\n'), {
      targetPlatform: { os: 'linux', architecture: 'amd64' },
      buildPlatform: { os: 'linux', architecture: 'amd64' },
      resolveImage: () => Promise.reject(new Error('no images here')),
      ...(network === undefined ? {} : { network }),
    });
    return r.definition.vertices.flatMap((v) => (v.vertex.op.type === 'exec' ? [v.vertex.op.meta.network] : []));
  };
  t.deepEqual(await networks(), ['sandbox', 'host']);
  t.deepEqual(await networks('none'), ['none', 'host']);
});
