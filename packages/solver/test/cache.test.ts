import test from 'ava';
import { solve, type SolveEvent } from '@kiln/solver';
import { eventsOf, Graph, world, type FakeResult } from './support/fakes.ts';

type World = ReturnType<typeof world>;

/** context (always re-read, like a local source) → COPY src/ (by content) → RUN build → RUN test. */
function appGraph(w: World, options: { version?: string; noCache?: string } = {}) {
  w.worker.on('context', { files: () => ({ ...contextFiles }) });
  w.worker.on('copy', { content: [undefined, { selectors: ['src'] }] });
  const g = new Graph();
  const base = g.source('base');
  // A fresh identifier per build makes the context a miss every time, as a local source is.
  const context = g.g.add({ type: 'source', identifier: `fake://context#${++builds}`, attrs: {} }, [], { metadata: { name: 'context', ignoreCache: false } });
  const copy = g.run('copy', [base, context]);
  const build = g.run('build', [copy], { env: [`VERSION=${options.version ?? '1'}`], metadata: { ignoreCache: options.noCache === 'build' } });
  const check = g.run('check', [build]);
  return g.definition(check);
}
let builds = 0;
let contextFiles: Record<string, string> = {};

async function build(w: World, def: ReturnType<typeof appGraph>) {
  w.events.length = 0;
  w.worker.execs.length = 0;
  const { root, stats } = await solve(def, { resolver: w.worker, cacheStore: w.store, concurrency: 2, onEvent: w.onEvent });
  const files = { ...(root as FakeResult).files };
  await root!.release();
  return { stats, files, execs: [...w.worker.execs].sort() };
}

const misses = (events: readonly SolveEvent[], def: ReturnType<typeof appGraph>) =>
  Object.fromEntries(events.flatMap((e) => (e.type === 'vertex.cachemiss' ? [[def.vertices.find((v) => v.digest === e.digest)!.metadata.name, e.reason]] : [])));

test.serial('a second build with nothing changed reuses every step and runs only the context source', async (t) => {
  const w = world();
  contextFiles = { 'src/app.js': 'v1', 'README.md': 'hello' };
  const first = await build(w, appGraph(w));
  t.deepEqual(first.execs, ['base', 'build', 'check', 'context', 'copy']);
  t.deepEqual(first.stats, { executed: 5, cached: 0 });
  t.deepEqual(first.files['src/app.js'], 'v1');
  t.false(w.events.some((e) => e.type === 'vertex.cachemiss'), 'a first build explains nothing: there is no previous build');

  const def = appGraph(w);
  const second = await build(w, def);
  t.deepEqual(second.execs, ['context'], 'only the content-based input had to be materialised');
  t.deepEqual(second.stats, { executed: 1, cached: 4 });
  t.deepEqual(second.files, first.files);
  for (const name of ['base', 'copy', 'build', 'check']) t.deepEqual(eventsOf(w.events, name, def), ['vertex.cached'], name);
  t.deepEqual(misses(w.events, def), {});
  t.deepEqual(w.ledger.unbalanced(), []);
});

test.serial('a fully cached chain of steps loads only the root and runs nothing', async (t) => {
  const w = world();
  const g = new Graph();
  const def = g.definition(g.run('c', [g.run('b', [g.run('a', [g.source('base')])])]));
  const first = await solve(def, { resolver: w.worker, cacheStore: w.store, concurrency: 2 });
  await first.root!.release();
  w.store.loads.length = 0;
  w.worker.execs.length = 0;
  const events: SolveEvent[] = [];
  const second = await solve(def, { resolver: w.worker, cacheStore: w.store, concurrency: 2, onEvent: (e) => events.push(e) });
  t.deepEqual(w.worker.execs, []);
  t.is(w.store.loads.length, 1, 'one lookup: the root’s');
  t.deepEqual(second.stats, { executed: 0, cached: 4 });
  t.deepEqual(events.map((e) => e.type), ['vertex.cached', 'vertex.cached', 'vertex.cached', 'vertex.cached']);
  t.is(events[0]!.digest, def.root!.digest, 'the root is reported first, then the steps it covered in definition order');
  t.deepEqual(events.slice(1).map((e) => e.digest), def.vertices.slice(0, 3).map((v) => v.digest));
  await second.root!.release();
  t.deepEqual(w.ledger.unbalanced(), []);
});

test.serial('a changed file that COPY does not read reruns the context only; COPY and what follows stay cached', async (t) => {
  const w = world();
  contextFiles = { 'src/app.js': 'v1', 'README.md': 'hello' };
  await build(w, appGraph(w));
  contextFiles = { 'src/app.js': 'v1', 'README.md': 'changed' };
  const second = await build(w, appGraph(w));
  t.deepEqual(second.execs, ['context']);
  t.is(second.stats.cached, 4);
});

test.serial('after one file changes, only the steps that read it and what follows them run again, each saying why', async (t) => {
  const w = world();
  contextFiles = { 'src/app.js': 'v1', 'src/util.js': 'u', 'README.md': 'hello' };
  await build(w, appGraph(w));
  contextFiles = { 'src/app.js': 'v2', 'src/util.js': 'u', 'README.md': 'hello' };
  const def = appGraph(w);
  const second = await build(w, def);
  t.deepEqual(second.execs, ['build', 'check', 'context', 'copy'], 'base stays cached');
  t.is(second.files['src/app.js'], 'v2');
  t.deepEqual(eventsOf(w.events, 'base', def), ['vertex.cached']);
  t.deepEqual(misses(w.events, def), {
    copy: 'src/app.js changed',
    build: 'input 0 (copy) changed',
    check: 'input 0 (build) changed',
  });
  t.deepEqual(w.ledger.unbalanced(), []);
});

test.serial('a changed build argument reruns its step and those after it, explained as `env VERSION changed`', async (t) => {
  const w = world();
  contextFiles = { 'src/app.js': 'v1' };
  await build(w, appGraph(w, { version: '1' }));
  const def = appGraph(w, { version: '2' });
  const second = await build(w, def);
  t.deepEqual(second.execs, ['build', 'check', 'context']);
  t.deepEqual(misses(w.events, def), { build: 'env VERSION changed', check: 'input 0 (build) changed' });
  // Back to VERSION=1: the first build's results are still in the store.
  const third = await build(w, appGraph(w, { version: '1' }));
  t.deepEqual(third.execs, ['context']);
});

test.serial('a new base image digest is explained as `base image digest changed`', async (t) => {
  const w = world();
  let digest = 'sha256:aaa';
  w.worker.on('image', { parts: () => ({ 'base image digest': digest }) });
  const g = new Graph();
  const def = g.definition(g.run('run', [g.source('image')]));
  await solve(def, { resolver: w.worker, cacheStore: w.store, concurrency: 1 }).then((r) => r.root!.release());
  digest = 'sha256:bbb';
  const events: SolveEvent[] = [];
  await solve(def, { resolver: w.worker, cacheStore: w.store, concurrency: 1, onEvent: (e) => events.push(e) }).then((r) => r.root!.release());
  // The root is looked up first (lazily), so its miss is reported before its input's.
  t.deepEqual(events.filter((e) => e.type === 'vertex.cachemiss').map((e) => e.type === 'vertex.cachemiss' && e.reason), [
    'input 0 (image) changed',
    'base image digest changed',
  ]);
});

test.serial('ignoreCache skips the lookup but still runs and saves; what builds on it reruns, its inputs are reused', async (t) => {
  const w = world();
  contextFiles = { 'src/app.js': 'v1' };
  await build(w, appGraph(w));
  const savesBefore = w.store.saves.length;
  const def = appGraph(w, { noCache: 'build' });
  const second = await build(w, def);
  t.deepEqual(second.execs, ['build', 'check', 'context']);
  t.deepEqual(eventsOf(w.events, 'build', def), ['vertex.started', 'vertex.completed'], 'no lookup, so no cache miss to explain');
  t.deepEqual(eventsOf(w.events, 'check', def), ['vertex.started', 'vertex.completed']);
  t.deepEqual(eventsOf(w.events, 'copy', def), ['vertex.cached']);
  t.is(w.store.saves.length - savesBefore, 3, 'context, build and check were saved');
  // Without the flag, the fresh results saved under the same keys are reused.
  const third = await build(w, appGraph(w));
  t.deepEqual(third.execs, ['context']);
  t.deepEqual(w.ledger.unbalanced(), []);
});

test.serial('a no-cache step read by content does not force its consumer when the content is unchanged', async (t) => {
  const w = world();
  w.worker.on('copy', { content: [undefined, { selectors: ['out'] }] });
  w.worker.on('compile', { files: () => ({ out: 'binary' }) });
  const graph = (noCache: boolean) => {
    const g = new Graph();
    const compile = g.run('compile', [], { metadata: { ignoreCache: noCache } });
    return g.definition(g.run('after', [g.run('copy', [g.source('base'), compile])]));
  };
  await solve(graph(false), { resolver: w.worker, cacheStore: w.store, concurrency: 2 }).then((r) => r.root!.release());
  w.worker.execs.length = 0;
  const { stats, root } = await solve(graph(true), { resolver: w.worker, cacheStore: w.store, concurrency: 2 });
  await root!.release();
  t.deepEqual(w.worker.execs, ['compile']);
  t.deepEqual(stats, { executed: 1, cached: 3 });
  t.deepEqual(w.ledger.unbalanced(), []);
});

test.serial('a failing cache save only warns; the build still succeeds', async (t) => {
  const w = world();
  w.store.failSaves = true;
  const g = new Graph();
  const def = g.definition(g.run('b', [g.source('a')]));
  const events: SolveEvent[] = [];
  const { root } = await solve(def, { resolver: w.worker, cacheStore: w.store, concurrency: 1, onEvent: (e) => events.push(e) });
  await root!.release();
  t.deepEqual(events.filter((e) => e.type === 'vertex.warning').map((e) => e.type === 'vertex.warning' && e.message), [
    'could not save the result in the cache: disk full',
    'could not save the result in the cache: disk full',
  ]);
  t.deepEqual(w.ledger.unbalanced(), []);
});

test.serial('a step whose cached result was pruned misses with a reason saying so', async (t) => {
  const w = world();
  const g = new Graph();
  const def = g.definition(g.run('b', [g.source('a')]));
  await solve(def, { resolver: w.worker, cacheStore: w.store, concurrency: 1 }).then((r) => r.root!.release());
  w.store.entries.clear();
  const events: SolveEvent[] = [];
  await solve(def, { resolver: w.worker, cacheStore: w.store, concurrency: 1, onEvent: (e) => events.push(e) }).then((r) => r.root!.release());
  t.deepEqual(events.filter((e) => e.type === 'vertex.cachemiss').map((e) => e.type === 'vertex.cachemiss' && e.reason), [
    'no cached result for this definition',
    'no cached result for this definition',
  ]);
});

test.serial('a reused step records its key parts too, so a later miss is explained against the latest build', async (t) => {
  const w = world();
  contextFiles = { 'src/app.js': 'v1' };
  await build(w, appGraph(w, { version: '1' }));
  await build(w, appGraph(w, { version: '2' }));
  await build(w, appGraph(w, { version: '1' })); // reused: records VERSION=1 as the latest
  for (const [key, results] of w.store.entries) if (['build', 'check'].includes(results[0]!.id)) w.store.entries.delete(key);
  const def = appGraph(w, { version: '1' });
  await build(w, def);
  t.is(misses(w.events, def)['build'], 'no cached result for this definition', 'compared with VERSION=1, not 2');
});

test.serial('results loaded from the cache are released when a later step fails', async (t) => {
  const w = world();
  const g = new Graph();
  const base = g.run('base', []);
  await solve(g.definition(base), { resolver: w.worker, cacheStore: w.store, concurrency: 1 }).then((r) => r.root!.release());
  w.worker.on('boom', { fail: new Error('boom') });
  await t.throwsAsync(solve(g.definition(g.run('boom', [base])), { resolver: w.worker, cacheStore: w.store, concurrency: 1 }));
  t.is(w.worker.execs.filter((n) => n === 'base').length, 1, 'base came from the cache the second time');
  t.deepEqual(w.ledger.unbalanced(), []);
});
