// The stage DAG: what each stage reads, what a target needs, and BuildKit's
// conversion errors for targets and cycles (convert-vectors.json).
import test from 'ava';
import { parseDockerfile } from '@kiln/dockerfile-syntax';
import { parseStages, stageGraph } from '@kiln/dockerfile-frontend';
import { readCorpusJson } from '../../../test/support/shared.ts';

const graph = (text: string, target?: string) => stageGraph(parseStages(parseDockerfile(text)), target);

test('dependencies come from FROM <stage>, COPY --from by name or index, and RUN --mount from=', (t) => {
  const g = graph([
    'FROM busybox AS a',
    'FROM scratch AS b',
    'FROM a AS c',
    'COPY --from=b /x /x',
    'COPY --from=0 /y /y',
    'COPY --from=alpine:3 /z /z',
    'RUN --mount=type=bind,from=b,target=/m true',
    'FROM busybox',
  ].join('\n'));
  t.deepEqual(g.nodes[2], { index: 2, name: 'c', base: { kind: 'stage', index: 0 }, dependsOn: [0, 1], images: ['alpine:3'] });
  t.deepEqual(g.nodes[1]!.base, { kind: 'scratch' });
  t.deepEqual(g.nodes[0]!.base, { kind: 'image', ref: 'busybox' });
});

test('the target needs only what it reads; other stages never run', (t) => {
  const text = 'FROM busybox AS base\nFROM base AS unused\nRUN exit 1\nFROM busybox AS tool\nFROM base AS final\nCOPY --from=tool /t /t\n';
  const g = graph(text);
  t.is(g.target, 3);
  t.deepEqual(g.needed, [0, 2, 3]);
  t.deepEqual(graph(text, 'UNUSED').needed, [0, 1], 'target names match case-insensitively');
});

const vectors = readCorpusJson<{ convertOk: { dockerfile: string; target?: string; note?: string }[]; convertError: { dockerfile: string; target?: string; exactError?: string; note?: string }[] }>('dockerfile2llb', 'convert-vectors.json');
if (vectors === undefined) {
  test.skip('dockerfile2llb corpus absent: stage-graph vectors not checked', () => {});
} else {
  for (const [i, v] of vectors.convertError.entries()) {
    if (!/target|circular/.test((v.note ?? '') + (v.exactError ?? ''))) continue;
    test(`convert-vectors convertError #${i}: ${v.exactError ?? v.note}`, (t) => {
      const error = t.throws(() => graph(v.dockerfile, v.target));
      if (v.exactError !== undefined) t.is(error!.message, v.exactError);
      else t.regex(error!.message, /target stage "nosuch" could not be found/);
    });
  }
  for (const [i, v] of vectors.convertOk.entries()) {
    if (!v.dockerfile.includes('--from')) continue;
    test(`convert-vectors convertOk #${i}: ${v.note ?? 'builds'}`, (t) => {
      const g = graph(v.dockerfile, v.target);
      // Both cases: stage 0 is "foo"; the last stage is FROM foo. Target Foo needs only foo itself.
      t.deepEqual(g.needed, v.target === undefined ? [0, 1] : [0]);
    });
  }
}
