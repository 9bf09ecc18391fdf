// The build graph's identity rules: equal work has one digest, metadata never
// changes it, and definitions come out in dependency order and well formed.
import test from 'ava';
import { createHash, randomBytes } from 'node:crypto';
import type { Digest } from '@kiln/oci';
import { canonicalJson, digestVertex, GraphBuilder, sha256Hex, utf8, validateDefinition, type ExecOp, type Op } from '@kiln/llb';

const busybox: Op = { type: 'source', identifier: 'docker-image://docker.io/library/busybox:latest', attrs: {} };
const run = (cmd: string): ExecOp => ({
  type: 'exec',
  meta: { args: ['/bin/sh', '-c', cmd], env: ['PATH=/bin'], cwd: '/', user: '', network: 'sandbox', security: 'sandbox' },
  mounts: [{ dest: '/', input: 0, output: 0, readonly: false, type: 'bind' }],
  secretEnv: [],
});

test('the pure sha256 equals node:crypto for empty, short, block-boundary and long inputs', (t) => {
  for (const size of [0, 1, 55, 56, 63, 64, 65, 1000, 100_000]) {
    const data = randomBytes(size);
    t.is(sha256Hex(data), createHash('sha256').update(data).digest('hex'), `size ${size}`);
  }
  const text = 'ünïcødé ✓ 𝄞 and ascii';
  t.is(sha256Hex(utf8(text)), createHash('sha256').update(text, 'utf8').digest('hex'));
});

test('canonical JSON sorts keys, drops undefined members and rejects what is not plain data', (t) => {
  t.is(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined, d: { z: 0, y: -1.5 } }), '{"a":[true,null,"x"],"b":1,"d":{"y":-1.5,"z":0}}');
  t.throws(() => canonicalJson({ m: new Map() }), { instanceOf: TypeError });
  t.throws(() => canonicalJson(Number.NaN), { instanceOf: TypeError });
});

test('equal vertices have one digest whatever the key order; any change to op, input or platform changes it', (t) => {
  const a = digestVertex({ op: busybox, inputs: [] });
  const reordered = digestVertex({ op: { attrs: {}, identifier: busybox.type === 'source' ? busybox.identifier : '', type: 'source' }, inputs: [] });
  t.is(a, reordered);
  t.regex(a, /^sha256:[0-9a-f]{64}$/);
  t.not(digestVertex({ op: busybox, inputs: [], platform: { os: 'linux', architecture: 'arm64' } }), a);
  t.not(digestVertex({ op: run('a'), inputs: [{ digest: a, output: 0 }] }), digestVertex({ op: run('b'), inputs: [{ digest: a, output: 0 }] }));
});

test('adding the same step twice gives one vertex; metadata merges and never changes the digest', (t) => {
  const g = new GraphBuilder();
  const base = g.add(busybox, [], { metadata: { name: '[a 1/1] FROM busybox' } });
  const again = g.add(busybox, [], { metadata: { name: '[b 1/1] FROM busybox', ignoreCache: true }, locations: [{ file: 'Dockerfile', ranges: [] }] });
  t.is(again.digest, base.digest);
  const step = g.add(run('make'), [base.output()], { metadata: { name: 'RUN make', stableId: 'Dockerfile:a:1' } });
  const def = g.definition(step.output());
  t.deepEqual(def.vertices.map((v) => v.digest), [base.digest, step.digest]);
  t.is(def.vertices[0]!.metadata.name, '[a 1/1] FROM busybox');
  t.true(def.vertices[0]!.metadata.ignoreCache);
  t.is(def.vertices[0]!.locations.length, 1);
  t.is(def.vertices[1]!.metadata.stableId, 'Dockerfile:a:1');
  t.is(validateDefinition(def), def);
});

test('a definition holds only what the root needs, inputs first', (t) => {
  const g = new GraphBuilder();
  const base = g.add(busybox, []);
  const unused = g.add(run('never'), [base.output()]);
  const used = g.add(run('used'), [base.output()]);
  const def = g.definition(used.output());
  t.false(def.vertices.some((v) => v.digest === unused.digest));
  t.deepEqual(def.root, { digest: used.digest, output: 0 });
  t.deepEqual(g.definition(undefined), { vertices: [], root: undefined });
});

test('inputs must exist; a tampered or out-of-order definition is refused with the reason', (t) => {
  const g = new GraphBuilder();
  t.throws(() => g.add(run("x"), [{ digest: `sha256:${"0".repeat(64)}` as Digest, output: 0 }]), { message: /was not added/ });
  const base = g.add(busybox, []);
  const step = g.add(run('x'), [base.output()]);
  const def = g.definition(step.output());
  const tampered = { ...def, vertices: [def.vertices[0]!, { ...def.vertices[1]!, vertex: { ...def.vertices[1]!.vertex, op: run('y') } }] };
  t.throws(() => validateDefinition(tampered), { message: /was changed|has digest/ });
  t.throws(() => validateDefinition({ ...def, vertices: [...def.vertices].reverse() }), { message: /does not come before it/ });
  const badOutput = g.add(run('z'), [{ digest: base.digest, output: 3 }]);
  t.throws(() => validateDefinition(g.definition(badOutput.output())), { message: /output 3/ });
});
