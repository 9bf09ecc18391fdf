// The exec op's cache map: what enters the key, what is content-based, and the named parts.
import test from 'ava';
import { execCacheMap } from '@kiln/worker';
import type { ExecMount } from '@kiln/llb';
import { shOp } from './support/worker-root.ts';

test('equal ops give equal digests; a changed command, env value or mount changes it', (t) => {
  const base = execCacheMap(shOp('make'), 1, undefined);
  t.is(execCacheMap(shOp('make'), 1, undefined).digest, base.digest);
  t.not(execCacheMap(shOp('make all'), 1, undefined).digest, base.digest);
  t.not(execCacheMap(shOp('make', [], { env: ['A=2'] }), 1, undefined).digest, execCacheMap(shOp('make', [], { env: ['A=1'] }), 1, undefined).digest);
  t.not(execCacheMap(shOp('make', [{ dest: '/t', input: -1, output: -1, readonly: false, type: 'tmpfs' }]), 1, undefined).digest, base.digest);
});

test('parts name the command, each env variable (by digest), user, cwd, network and mounts', (t) => {
  const op = shOp('make', [{ dest: '/c', input: -1, output: -1, readonly: false, type: 'cache', cache: { id: 'c', sharing: 'shared' } }], { env: ['VERSION=1.2', 'EMPTY='], user: 'app', cwd: '/src' });
  const { parts } = execCacheMap(op, 1, undefined);
  t.is(parts.command, JSON.stringify(['/bin/sh', '-c', 'make']));
  t.regex(parts['env VERSION']!, /^sha256:/);
  t.false(Object.values(parts).includes('1.2'), 'env values appear only as digests');
  t.is(parts.user, 'app');
  t.is(parts.cwd, '/src');
  t.is(parts.network, 'none');
  t.regex(parts['mount /c']!, /^sha256:/);
});

test('read-only bind inputs are content-based with their selectors; the root and rw mounts are by key', (t) => {
  const mounts: ExecMount[] = [
    { dest: '/ctx', input: 1, output: -1, readonly: true, type: 'bind', selector: '/go.sum' },
    { dest: '/ctx2', input: 1, output: -1, readonly: true, type: 'bind', selector: 'go.mod' },
    { dest: '/whole', input: 2, output: -1, readonly: true, type: 'bind' },
    { dest: '/rw', input: 3, output: -1, readonly: false, type: 'bind' },
  ];
  const { deps } = execCacheMap(shOp('go build', mounts), 4, undefined);
  t.deepEqual(deps, [
    { contentBased: false, selectors: [] },
    { contentBased: true, selectors: ['go.mod', 'go.sum'] },
    { contentBased: true, selectors: [] },
    { contentBased: false, selectors: [] },
  ]);
});
