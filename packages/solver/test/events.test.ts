import test from 'ava';
import { solve, type SolveEvent } from '@kiln/solver';
import { Graph, world } from './support/fakes.ts';

test('an executed step reports started, its logs, then completed with its duration, in that order', async (t) => {
  const w = world();
  w.worker.on('make', { log: 'building\n', sleepMs: 40 });
  const g = new Graph();
  const def = g.definition(g.run('make', [g.source('base')]));
  let clock = 1000;
  const { root } = await solve(def, { resolver: w.worker, cacheStore: w.store, concurrency: 1, onEvent: w.onEvent, now: () => (clock += 5) });
  await root!.release();
  const make = def.root!.digest;
  const mine = w.events.filter((e) => e.digest === make);
  t.deepEqual(mine.map((e) => e.type), ['vertex.started', 'vertex.log', 'vertex.completed']);
  const [started, log, completed] = mine as [SolveEvent & { type: 'vertex.started' }, SolveEvent & { type: 'vertex.log' }, SolveEvent & { type: 'vertex.completed' }];
  t.is(started.name, 'make');
  t.is(new TextDecoder().decode(log.data), 'building\n');
  t.is(log.stream, 'stdout');
  t.is(completed.durationMs, completed.time - started.time);
  t.true(started.time < log.time && log.time < completed.time, 'times come from the injected clock, in order');
  // The base finished before make started.
  const base = w.events.findIndex((e) => e.type === 'vertex.completed' && e.name === 'base');
  t.true(base >= 0 && base < w.events.indexOf(started));
});

test('progress and warnings from an op become events of its vertex; reports after the op settled are dropped', async (t) => {
  const w = world();
  let late: (() => void) | undefined;
  const g = new Graph();
  const def = g.definition(g.source('image'));
  const events: SolveEvent[] = [];
  const { root } = await solve(def, {
    concurrency: 1,
    cacheStore: w.store,
    onEvent: (e) => events.push(e),
    resolver: {
      resolve: (dv) => {
        const op = w.worker.resolve(dv);
        return {
          ...op,
          exec: async (inputs, ctx) => {
            ctx.progress('layer-1', 'pulling', 10, 20);
            ctx.warn('platform mismatch');
            late = () => ctx.log('stderr', new Uint8Array([1]));
            return op.exec(inputs, ctx);
          },
        };
      },
    },
  });
  late!();
  await root!.release();
  t.deepEqual(events.map((e) => e.type), ['vertex.started', 'vertex.progress', 'vertex.warning', 'vertex.completed']);
  t.like(events[1], { id: 'layer-1', name: 'pulling', current: 10, total: 20, digest: def.root!.digest });
  t.like(events[2], { message: 'platform mismatch' });
});

test('ops see one abort signal per solve, not aborted while the build goes well', async (t) => {
  const w = world();
  const seen: boolean[] = [];
  const g = new Graph();
  const def = g.definition(g.run('b', [g.source('a')]));
  const { root } = await solve(def, {
    concurrency: 2,
    cacheStore: w.store,
    resolver: {
      resolve: (dv) => {
        const op = w.worker.resolve(dv);
        return { ...op, exec: (inputs, ctx) => (seen.push(ctx.signal.aborted), op.exec(inputs, ctx)) };
      },
    },
  });
  await root!.release();
  t.deepEqual(seen, [false, false]);
});
