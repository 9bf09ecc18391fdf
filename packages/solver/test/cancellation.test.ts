import test from 'ava';
import { CanceledError, ErrorCode, InvalidArgumentError } from '@kiln/errors';
import { solve, SolveError } from '@kiln/solver';
import { eventsOf, Graph, world } from './support/fakes.ts';

test('the first failure cancels running ops, waits for them, releases everything and rejects with the original error', async (t) => {
  const w = world();
  const original = new InvalidArgumentError('exit code: 2');
  w.worker
    .on('fails', { sleepMs: 30, fail: original, log: 'compiling\n' })
    .on('long', { sleepMs: 5000 })
    .on('queued', { sleepMs: 10 });
  const g = new Graph();
  const ok = g.run('ok', []);
  const fails = g.run('fails', [ok]);
  const long = g.run('long', [ok]);
  const queued = g.run('queued', [ok]);
  const def = g.definition(g.run('top', [fails, long, queued]));
  const began = performance.now();
  const error = await t.throwsAsync(solve(def, { resolver: w.worker, cacheStore: w.store, concurrency: 2, onEvent: w.onEvent }), { instanceOf: SolveError });
  t.true(performance.now() - began < 1000, 'the long op was interrupted, not waited out');
  t.is(error.cause, original);
  t.is(error.code, ErrorCode.InvalidArgument, 'the cause’s code is kept');
  t.is(error.vertex, def.vertices.find((v) => v.metadata.name === 'fails')!.digest);
  t.is(error.vertexName, 'fails');
  t.is(error.message, 'fails: exit code: 2');
  t.is(new TextDecoder().decode(error.outputTail), 'compiling\n');
  t.true(w.worker.abortedWhileRunning.has('long'), 'the running op saw its signal abort');
  t.false(w.worker.execs.includes('queued'), 'queued work never started');
  t.false(w.worker.execs.includes('top'));
  t.is(w.worker.running, 0, 'nothing runs after the solve rejected');
  t.deepEqual(eventsOf(w.events, 'fails', def), ['vertex.started', 'vertex.log', 'vertex.failed']);
  t.deepEqual(eventsOf(w.events, 'long', def), ['vertex.started', 'vertex.canceled']);
  t.deepEqual(eventsOf(w.events, 'queued', def), []);
  t.deepEqual(w.ledger.unbalanced(), [], 'every handle (including ok’s result) released once');
});

test('a failure in a cache map (such as resolving an image) fails the solve with that vertex named', async (t) => {
  const w = world();
  const original = new Error('docker.io/library/nope: not found');
  w.worker.on('image', { parts: () => { throw original; } });
  const g = new Graph();
  const def = g.definition(g.run('run', [g.source('image')]));
  const error = await t.throwsAsync(solve(def, { resolver: w.worker, cacheStore: w.store, concurrency: 1, onEvent: w.onEvent }), { instanceOf: SolveError });
  t.is(error.vertexName, 'image');
  t.is(error.cause, original);
  t.is(error.code, ErrorCode.Internal, 'a plain error becomes Internal');
  t.deepEqual(w.worker.execs, []);
  t.deepEqual(eventsOf(w.events, 'image', def), ['vertex.failed']);
});

test('a step that fails while another step has already failed is reported canceled, not failed', async (t) => {
  const w = world();
  w.worker.on('first', { sleepMs: 10, fail: new Error('first') }).on('second', { sleepMs: 400, fail: new Error('second') });
  const g = new Graph();
  const def = g.definition(g.run('top', [g.run('first', []), g.run('second', [])]));
  const error = await t.throwsAsync(solve(def, { resolver: w.worker, cacheStore: w.store, concurrency: 2, onEvent: w.onEvent }), { instanceOf: SolveError });
  t.is(error.vertexName, 'first');
  t.deepEqual(eventsOf(w.events, 'second', def), ['vertex.started', 'vertex.canceled']);
});

test('external cancellation aborts running ops and rejects with CanceledError after the same clean-up', async (t) => {
  const w = world();
  w.worker.on('long-a', { sleepMs: 5000 }).on('long-b', { sleepMs: 5000 });
  const g = new Graph();
  const base = g.source('base');
  const def = g.definition(g.run('top', [g.run('long-a', [base]), g.run('long-b', [base])]));
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('ctrl-c')), 50);
  const error = await t.throwsAsync(solve(def, { resolver: w.worker, cacheStore: w.store, concurrency: 4, signal: controller.signal, onEvent: w.onEvent }), { instanceOf: CanceledError });
  t.is((error.cause as Error).message, 'ctrl-c');
  t.deepEqual([...w.worker.abortedWhileRunning].sort(), ['long-a', 'long-b']);
  t.is(w.worker.running, 0);
  t.deepEqual(eventsOf(w.events, 'long-a', def), ['vertex.started', 'vertex.canceled']);
  t.false(w.events.some((e) => e.type === 'vertex.failed'));
  t.deepEqual(w.ledger.unbalanced(), []);
});

test('a signal aborted before the solve starts rejects at once without touching the worker', async (t) => {
  const w = world();
  const g = new Graph();
  const controller = new AbortController();
  controller.abort();
  await t.throwsAsync(solve(g.definition(g.source('a')), { resolver: w.worker, cacheStore: w.store, concurrency: 1, signal: controller.signal }), { instanceOf: CanceledError });
  t.deepEqual(w.worker.resolves, []);
});

test('an op that returns the wrong number of results fails its step, and the extra handles are still released', async (t) => {
  const w = world();
  w.worker.on('bad', { outputs: (made) => [made, made.clone()] });
  const g = new Graph();
  const def = g.definition(g.run('bad', [g.source('a')]));
  const error = await t.throwsAsync(solve(def, { resolver: w.worker, cacheStore: w.store, concurrency: 1 }), { instanceOf: SolveError });
  t.is(error.code, ErrorCode.Internal);
  t.regex(error.message, /gave 2 results for a vertex with 1 outputs/);
  t.deepEqual(w.ledger.unbalanced(), []);
});

test('a listener that throws does not break the solve', async (t) => {
  const w = world();
  const g = new Graph();
  const { root } = await solve(g.definition(g.run('b', [g.source('a')])), {
    resolver: w.worker,
    cacheStore: w.store,
    concurrency: 1,
    onEvent: () => {
      throw new Error('display bug');
    },
  });
  await root!.release();
  t.deepEqual(w.ledger.unbalanced(), []);
});
