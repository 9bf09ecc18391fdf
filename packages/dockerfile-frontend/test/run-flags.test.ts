// RUN --mount, --network and --security: parse-time checks and the typed mounts built at conversion.
import test from 'ava';
import { DockerfileSyntaxError } from '@kiln/errors';
import { parseInstruction, parseRunMount, type RunInstruction } from '@kiln/dockerfile-frontend';
import { node } from './support.ts';

const same = (word: string): string => word;

function run(flags: readonly string[]): RunInstruction {
  const parsed = parseInstruction(node('RUN', ['make'], { flags }));
  if (parsed.kind !== 'run') throw new Error(`expected run, got ${parsed.kind}`);
  return parsed;
}

test('RUN defaults to the default network and the sandbox', (t) => {
  const plain = run([]);
  t.is(plain.network, 'default');
  t.is(plain.security, 'sandbox');
  t.deepEqual(plain.mounts, []);
  t.deepEqual(plain.flagsUsed, []);
});

test('RUN keeps mount values as written, with the flag range, and lists the flags used in order', (t) => {
  const ast = node('RUN', ['make'], { flags: ['--network=none', '--mount=type=cache,target=$HOME/.cache', '--mount=type=tmpfs,target=/t'] });
  const parsed = parseInstruction(ast);
  if (parsed.kind !== 'run') return t.fail();
  t.deepEqual(parsed.mounts, [
    { value: 'type=cache,target=$HOME/.cache', range: ast.flags[1]?.range },
    { value: 'type=tmpfs,target=/t', range: ast.flags[2]?.range },
  ]);
  t.is(parsed.network, 'none');
  t.deepEqual(parsed.flagsUsed, ['network', 'mount']);
});

test('RUN refuses unknown network and security modes', (t) => {
  t.is(t.throws(() => run(['--network=bridge']))?.message, 'invalid network mode "bridge"');
  t.is(t.throws(() => run(['--security=privileged']))?.message, 'security "privileged" is not valid');
});

test('a variable in a mount\'s from is refused at parse time; other fields wait for expansion', (t) => {
  const error = t.throws(() => run(['--mount=from=$STAGE,target=/x']), { instanceOf: DockerfileSyntaxError });
  t.is(error?.message, "'from' doesn't support variable expansion, define alias stage instead");
  t.notThrows(() => run(['--mount=type=$T,target=$X']));
  t.notThrows(() => run(['--mount=from=stage$']));
});

test('broken CSV in a mount is refused at parse time', (t) => {
  t.regex(t.throws(() => run(['--mount=type=bind,source="a b,target=/x']))?.message ?? '', /^failed to parse csv mounts: parse error on line 1/);
});

test('bind mounts default to read-only, cache and tmpfs to writable', (t) => {
  t.deepEqual(parseRunMount('target=/src', same), { type: 'bind', target: '/src', readOnly: true, required: false });
  t.deepEqual(parseRunMount('type=bind,target=/src,rw', same), { type: 'bind', target: '/src', readOnly: false, required: false });
  t.deepEqual(parseRunMount('type=cache,target=/c,sharing=LOCKED,mode=0700,uid=1000,id=go', same), {
    type: 'cache',
    target: '/c',
    readOnly: false,
    required: false,
    cacheSharing: 'locked',
    mode: 0o700,
    uid: 1000,
    cacheId: 'go',
  });
  t.deepEqual(parseRunMount('type=tmpfs,dst=/t,size=128m', same), { type: 'tmpfs', target: '/t', readOnly: false, required: false, sizeLimit: 128 * 1024 * 1024 });
});

test('secret and ssh mounts take required and env; secrets need an id, source, target or env', (t) => {
  t.deepEqual(parseRunMount('type=secret,id=tok,env=TOKEN,required', same), {
    type: 'secret',
    cacheId: 'tok',
    env: 'TOKEN',
    required: true,
    readOnly: true,
  });
  t.is(t.throws(() => parseRunMount('type=secret', same))?.message, 'invalid secret mount. one of source, target required');
  t.is(t.throws(() => parseRunMount('type=secret,id=a,src=b', same))?.message, "both source and id can't be set");
  t.is(t.throws(() => parseRunMount('type=secret,id=a,from=x', same))?.message, 'secret mount should not have a from');
  t.is(t.throws(() => parseRunMount('type=bind,required', same))?.message, "unexpected key 'required' for mount type 'bind'");
  t.is(parseRunMount('type=ssh,required=false', same).required, false);
});

test('mount values are expanded before they are interpreted', (t) => {
  const env = new Map([['T', 'cache'], ['DIR', '/root/.cache']]);
  const expand = (word: string) => word.replace(/\$(\w+)/g, (_, name: string) => env.get(name) ?? '');
  t.deepEqual(parseRunMount('type=$T,target=$DIR', expand), { type: 'cache', target: '/root/.cache', readOnly: false, required: false });
});

test('bad mount keys and values get BuildKit\'s messages and suggestions', (t) => {
  t.is(t.throws(() => parseRunMount('type=cahce', same))?.message, 'unsupported mount type "cahce" (did you mean cache?)');
  t.is(t.throws(() => parseRunMount('type=cache,sharing=lockd', same))?.message, 'unsupported sharing value "lockd" (did you mean locked?)');
  t.is(t.throws(() => parseRunMount('targt=/x', same))?.message, "unexpected key 'targt' in 'targt=/x' (did you mean target?)");
  t.is(t.throws(() => parseRunMount('target=/x,bogus', same))?.message, "invalid field 'bogus' must be a key=value pair");
  t.is(t.throws(() => parseRunMount('type=cache,mode=999', same))?.message, 'invalid value 999 for mode');
  t.is(t.throws(() => parseRunMount('type=tmpfs,size=big', same))?.message, 'invalid value for size: big');
  t.is(t.throws(() => parseRunMount('type=bind,uid=1', same))?.message, 'uid not allowed for "bind" type mounts');
  t.is(t.throws(() => parseRunMount('type=tmpfs,size=1k,ro=maybe', same))?.message, 'invalid value for ro: maybe');
  t.is(t.throws(() => parseRunMount('type=bind,sharing=shared', same))?.message, 'invalid cache sharing set for bind mount');
});
