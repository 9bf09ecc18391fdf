// RUN --mount: bind, cache, tmpfs, secret and ssh with their options.
import test from 'ava';
import { LocatedError } from '@kiln/errors';
import { validateDefinition } from '@kiln/llb';
import { convert, execs, vertex } from './convert-support.ts';

const mountsOf = async (flags: string, pre = '') => {
  const r = await convert(`FROM busybox AS base\nFROM busybox\n${pre}RUN ${flags} true\n`);
  validateDefinition(r.definition);
  const run = execs(r)[0]!;
  return { r, run, mounts: run.vertex.op.mounts.filter((m) => m.dest !== '/') };
};

test('bind mounts the build context read-only by default, with the source as selector and the target relative to WORKDIR', async (t) => {
  const { r, run, mounts } = await mountsOf('--mount=type=bind,source=src,target=s', 'WORKDIR /w\n');
  t.like(mounts[0], { dest: '/w/s', readonly: true, output: -1, selector: '/src', type: 'bind' });
  const ctx = vertex(r, run.vertex.inputs[mounts[0]!.input]!.digest);
  t.like(ctx.vertex.op, { type: 'source', identifier: 'local://context' });
  t.is(ctx.metadata.name, '[internal] load build context');
  t.is((ctx.vertex.op as { attrs: Record<string, string> }).attrs['local.includepattern'], '["src"]');
});

test('bind from a stage, rw, takes that stage as input and discards writes', async (t) => {
  const { run, mounts } = await mountsOf('--mount=from=base,target=/b,rw');
  t.like(mounts[0], { dest: '/b', readonly: false, output: -1, type: 'bind' });
  t.is(run.vertex.inputs.length, 1, 'base stage and busybox are the same vertex, so one input serves both');
});

test('cache mounts: id defaults to the target, sharing shared, mode/uid/gid kept, input empty', async (t) => {
  const { mounts } = await mountsOf('--mount=type=cache,target=/root/.cache/ --mount=type=cache,id=go,target=/go,sharing=locked,mode=0700,uid=1000,gid=1000');
  t.deepEqual(mounts[0], { dest: '/go', input: -1, output: -1, readonly: false, type: 'cache', cache: { id: 'go', sharing: 'locked', mode: 0o700, uid: 1000, gid: 1000 } });
  t.deepEqual(mounts[1], { dest: '/root/.cache', input: -1, output: -1, readonly: false, type: 'cache', cache: { id: '/root/.cache', sharing: 'shared' } });
});

test('cache mount ids get the BUILDKIT_CACHE_MOUNT_NS namespace', async (t) => {
  const r = await convert('FROM busybox\nRUN --mount=type=cache,target=/c true\n', { buildArgs: new Map([['BUILDKIT_CACHE_MOUNT_NS', 'ns']]) });
  t.is(execs(r)[0]!.vertex.op.mounts[1]!.cache?.id, 'ns//c');
});

test('tmpfs mounts carry their size in bytes', async (t) => {
  const { mounts } = await mountsOf('--mount=type=tmpfs,target=/t,size=64m');
  t.deepEqual(mounts[0], { dest: '/t', input: -1, output: -1, readonly: false, type: 'tmpfs', tmpfs: { size: 64 * 1024 * 1024 } });
});

test('secret mounts default to /run/secrets/<id>, mode 0400, optional unless required', async (t) => {
  const { mounts } = await mountsOf('--mount=type=secret,id=npm --mount=type=secret,id=key,target=/k,required,mode=0440,uid=5');
  t.deepEqual(mounts[0], { dest: '/k', input: -1, output: -1, readonly: true, type: 'secret', secret: { id: 'key', mode: 0o440, uid: 5, gid: 0, optional: false } });
  t.deepEqual(mounts[1], { dest: '/run/secrets/npm', input: -1, output: -1, readonly: true, type: 'secret', secret: { id: 'npm', mode: 0o400, uid: 0, gid: 0, optional: true } });
});

test('a secret as env adds no file (unless a target is given) and is masked in the step name', async (t) => {
  const { run, mounts } = await mountsOf('--mount=type=secret,id=tok,env=TOKEN', 'ENV TOKEN=visible\n');
  t.deepEqual(mounts, []);
  t.deepEqual(run.vertex.op.secretEnv, [{ id: 'tok', name: 'TOKEN', optional: true }]);
  const r2 = await convert('FROM busybox\nRUN --mount=type=secret,id=tok,env=TOKEN echo $TOKEN\n');
  // BuildKit counts a state per --mount, so even a one-stage file names its stage here.
  t.is(execs(r2)[0]!.metadata.name, '[stage-0 2/2] RUN --mount=type=secret,id=tok,env=TOKEN echo ****');
});

test('ssh mounts default to id "default" and /run/buildkit/ssh_agent.N, and set SSH_AUTH_SOCK', async (t) => {
  const { run, mounts } = await mountsOf('--mount=type=ssh --mount=type=ssh,id=gh,target=/ssh.sock,required');
  t.deepEqual(mounts[0], { dest: '/run/buildkit/ssh_agent.0', input: -1, output: -1, readonly: true, type: 'ssh', ssh: { id: 'default', mode: 0o600, uid: 0, gid: 0, optional: true } });
  t.like(mounts[1], { dest: '/ssh.sock', ssh: { id: 'gh', mode: 0o600, uid: 0, gid: 0, optional: false } });
  t.true(run.vertex.op.meta.env.includes('SSH_AUTH_SOCK=/run/buildkit/ssh_agent.0'));
});

test('mount values are expanded with the stage environment', async (t) => {
  const { mounts } = await mountsOf('--mount=type=cache,id=$ID,target=/c', 'ARG ID=pip\n');
  t.is(mounts[0]!.cache?.id, 'pip');
});

test('a mount on / is refused, located at the RUN line', async (t) => {
  const error = await t.throwsAsync(convert('FROM busybox\nRUN --mount=type=cache,target=/ true\n'), { message: 'invalid mount target "/"' });
  t.true(error instanceof LocatedError);
  t.is((error as LocatedError).range?.start.line, 2);
});

test('a mount from a stage defined later is refused', async (t) => {
  await t.throwsAsync(convert('FROM busybox AS a\nRUN --mount=from=b,target=/b true\nFROM busybox AS b\n', { target: 'a' }), {
    message: /^cannot copy from stage "b", it needs to be defined before current stage "a"/,
  });
});

test('a mount from an image resolves that image', async (t) => {
  const r = await convert('FROM busybox\nRUN --mount=from=alpine:3,target=/a true\n');
  t.true(r.calls.includes('docker.io/library/alpine:3 linux/amd64'));
  const run = execs(r)[0]!;
  const src = vertex(r, run.vertex.inputs[run.vertex.op.mounts[1]!.input]!.digest);
  t.regex((src.vertex.op as { identifier: string }).identifier, /^docker-image:\/\/docker\.io\/library\/alpine:3@sha256:/);
});
