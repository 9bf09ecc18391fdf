// How a cache miss reads: vertex metadata can name key parts for people.
import test from 'ava';
import { explainCacheMiss } from '@kiln/solver';

test('part labels from the vertex name a changed build arg as such', (t) => {
  const current = { op: { command: 'x', 'env VERSION': 'b' }, inputs: [] };
  const last = { op: { command: 'x', 'env VERSION': 'a' }, inputs: [] };
  t.is(explainCacheMiss(current, last, [], 4, { 'env VERSION': 'build-arg VERSION' }), 'build-arg VERSION changed');
  t.is(explainCacheMiss(current, last), 'env VERSION changed');
});
