import test from 'ava';
import { InvalidArgumentError } from '@kiln/errors';
import { solve } from '@kiln/solver';
import { Graph, world, type FakeResult } from './support/fakes.ts';

test('a vertex that many consumers need runs once, and its op is resolved and keyed once', async (t) => {
  const w = world();
  const g = new Graph();
  const base = g.source('base');
  const left = g.run('left', [base]);
  const right = g.run('right', [base]);
  const both = g.run('both', [left, right, base]);
  const def = g.definition(both);
  const { root, stats } = await solve(def, { resolver: w.worker, cacheStore: w.store, concurrency: 4 });
  t.deepEqual([...w.worker.execs].sort(), ['base', 'both', 'left', 'right']);
  t.deepEqual([...w.worker.resolves].sort(), ['base', 'both', 'left', 'right']);
  t.deepEqual([...w.worker.cacheMaps].sort(), ['base', 'both', 'left', 'right']);
  t.deepEqual(stats, { executed: 4, cached: 0 });
  t.deepEqual(Object.keys((root as FakeResult).files).sort(), ['/base', '/ran/both', '/ran/left', '/ran/right']);
  await root!.release();
  t.deepEqual(w.ledger.unbalanced(), []);
});

test('identical steps in two branches have one digest and run once', async (t) => {
  const w = world();
  const g = new Graph();
  const base = g.source('base');
  const a = g.run('same', [base]);
  const b = g.run('same', [base]);
  t.is(a.digest, b.digest);
  const { root } = await solve(g.definition(g.run('top', [a, b])), { resolver: w.worker, cacheStore: w.store, concurrency: 2 });
  t.is(w.worker.execs.filter((n) => n === 'same').length, 1);
  await root!.release();
  t.deepEqual(w.ledger.unbalanced(), []);
});

test('independent branches run at the same time (two 200 ms steps with concurrency 2 overlap)', async (t) => {
  const w = world();
  w.worker.on('slow-a', { sleepMs: 200 }).on('slow-b', { sleepMs: 200 });
  const g = new Graph();
  const top = g.run('top', [g.run('slow-a', []), g.run('slow-b', [])]);
  const { root } = await solve(g.definition(top), { resolver: w.worker, cacheStore: w.store, concurrency: 2 });
  const a = w.worker.spans.get('slow-a')!;
  const b = w.worker.spans.get('slow-b')!;
  t.true(a.start < b.end && b.start < a.end, 'the two spans overlap');
  t.is(w.worker.maxRunning, 2);
  await root!.release();
});

test('concurrency 1 runs one op at a time', async (t) => {
  const w = world();
  w.worker.on('slow-a', { sleepMs: 60 }).on('slow-b', { sleepMs: 60 });
  const g = new Graph();
  const top = g.run('top', [g.run('slow-a', []), g.run('slow-b', [])]);
  const { root } = await solve(g.definition(top), { resolver: w.worker, cacheStore: w.store, concurrency: 1 });
  const a = w.worker.spans.get('slow-a')!;
  const b = w.worker.spans.get('slow-b')!;
  t.true(a.end <= b.start || b.end <= a.start, 'the spans do not overlap');
  t.is(w.worker.maxRunning, 1);
  await root!.release();
});

test('a deep, wide graph with concurrency 1 does not deadlock: steps waiting for inputs hold no slot', async (t) => {
  const w = world();
  const g = new Graph();
  let layer = [g.source('s0'), g.source('s1'), g.source('s2')];
  for (let depth = 0; depth < 6; depth++) {
    layer = layer.map((_, i) => g.run(`d${depth}-${i}`, [layer[i]!, layer[(i + 1) % layer.length]!]));
  }
  const top = g.run('top', layer);
  const { root, stats } = await solve(g.definition(top), { resolver: w.worker, cacheStore: w.store, concurrency: 1 });
  t.is(stats.executed, 3 + 6 * 3 + 1);
  await root!.release();
  t.deepEqual(w.ledger.unbalanced(), []);
});

test('the root is a clone the caller owns; every other handle is released once', async (t) => {
  const w = world();
  const g = new Graph();
  const { root } = await solve(g.definition(g.run('b', [g.source('a')])), { resolver: w.worker, cacheStore: w.store, concurrency: 2 });
  t.is((root as FakeResult).releases, 0);
  t.deepEqual(w.ledger.unbalanced(), [`b#${(root as FakeResult).serial} released 0×`]);
  await root!.release();
  t.deepEqual(w.ledger.unbalanced(), []);
});

test('a definition without a root solves to undefined without running anything', async (t) => {
  const w = world();
  const result = await solve(new Graph().definition(undefined), { resolver: w.worker, cacheStore: w.store, concurrency: 1 });
  t.deepEqual(result, { root: undefined, stats: { executed: 0, cached: 0 } });
  t.deepEqual(w.worker.resolves, []);
});

test('a concurrency below 1 or fractional is refused', async (t) => {
  const w = world();
  const def = new Graph().definition(undefined);
  for (const concurrency of [0, -1, 1.5, Number.NaN]) {
    await t.throwsAsync(solve(def, { resolver: w.worker, cacheStore: w.store, concurrency }), { instanceOf: InvalidArgumentError });
  }
});
