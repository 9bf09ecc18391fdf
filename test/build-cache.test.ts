// kiln build end to end: the build cache (nothing changed, mtime only, one file changed, build args, --no-cache,
// --no-cache-filter, cache mounts across builds), stages in parallel, and two builds of one context at once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { busyboxEnv, fileAt, instructionSteps, kilnBuild, kilnBuildAsync, leftovers, rawEvents, saveImage, writeContext, type PlainStep } from './support/build-cli.ts';
import { makeBusyboxLayout, type KilnEnv } from './support/images-cli.ts';

let work: string;
let layout: string;
let envCount = 0;

test.before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-build-cache-'));
  layout = path.join(work, 'busybox');
  makeBusyboxLayout(layout);
});

test.after.always(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const fresh = (): KilnEnv => busyboxEnv(path.join(work, `env-${++envCount}`), layout);

const cacheDockerfile = `FROM busybox AS build
ARG VERSION=1
COPY src/a.txt /a.txt
RUN cat /a.txt > /a.out
COPY src/b.txt /b.txt
RUN cat /b.txt > /b.out

FROM busybox AS final
COPY other.txt /other.txt
RUN --mount=type=cache,target=/cache,id=log cat /other.txt >> /cache/log && cp /cache/log /seen.txt
COPY --from=build /a.out /b.out /
RUN --mount=type=bind,source=mounted.txt,target=/m.txt cat /m.txt > /mounted.out
`;

/** The instruction steps of a plain build, by the text after `[stage i/n] `: run (not cached) or cached, and why it missed. */
function stepsOf(output: string): Map<string, PlainStep> {
  return new Map(instructionSteps(output).map((s) => [s.name.replace(/^\[[^\]]+\] /, ''), s]));
}

/** The names of the steps that ran (were not cached), sorted; FROM lines (a base image is only opened) left out. */
function ran(output: string): string[] {
  return [...stepsOf(output)].filter(([name, s]) => !s.cached && !name.startsWith('FROM ')).map(([name]) => name).sort();
}

function build(k: KilnEnv, context: string, args: string[] = []): string {
  const r = kilnBuild(k, context, ['-t', 'kiln-test/cache', ...args]);
  if (r.status !== 0) throw new Error(`kiln build failed:\n${r.stderr}`);
  return r.stderr;
}

test.serial('the cache: all reused when nothing or only mtimes changed; one changed file reruns exactly its dependents and says why', (t) => {
  const k = fresh();
  const context = writeContext(path.join(work, 'cache'), { Dockerfile: cacheDockerfile, 'src/a.txt': 'a\n', 'src/b.txt': 'b\n', 'other.txt': 'first\n', 'mounted.txt': 'm\n' });
  const all = ['COPY --from=build /a.out /b.out /', 'COPY other.txt /other.txt', 'COPY src/a.txt /a.txt', 'COPY src/b.txt /b.txt', 'RUN --mount=type=bind,source=mounted.txt,target=/m.txt cat /m.txt > /mounted.out', 'RUN --mount=type=cache,target=/cache,id=log cat /other.txt >> /cache/log && cp /cache/log /seen.txt', 'RUN cat /a.txt > /a.out', 'RUN cat /b.txt > /b.out'];
  t.deepEqual(ran(build(k, context)), all);

  const again = build(k, context);
  t.deepEqual(ran(again), [], again);
  t.true([...stepsOf(again).values()].every((s) => s.cached && s.missReasons.length === 0));

  const future = new Date(Date.now() + 3_600_000);
  for (const f of ['src/a.txt', 'src/b.txt', 'other.txt', 'mounted.txt']) fs.utimesSync(path.join(context, f), future, future);
  t.deepEqual(ran(build(k, context)), [], 'an mtime-only change reuses every step');

  fs.writeFileSync(path.join(context, 'src/b.txt'), 'b changed\n');
  const changed = build(k, context);
  t.deepEqual(ran(changed), ['COPY --from=build /a.out /b.out /', 'COPY src/b.txt /b.txt', 'RUN --mount=type=bind,source=mounted.txt,target=/m.txt cat /m.txt > /mounted.out', 'RUN cat /b.txt > /b.out'], changed);
  t.deepEqual(stepsOf(changed).get('COPY src/b.txt /b.txt')?.missReasons, ['src/b.txt changed']);
  t.regex(changed, /^#\d+ cache miss: src\/b\.txt changed$/m);
  const image = saveImage(k, 'kiln-test/cache', path.join(work, 'cache-image-1'));
  t.is(fileAt(image.tree, 'b.out'), 'b changed\n');

  // A file only a bind mount reads is in that step's key too.
  fs.writeFileSync(path.join(context, 'mounted.txt'), 'm changed\n');
  const mounted = build(k, context);
  t.deepEqual(ran(mounted), ['RUN --mount=type=bind,source=mounted.txt,target=/m.txt cat /m.txt > /mounted.out'], mounted);
  t.deepEqual(stepsOf(mounted).get('RUN --mount=type=bind,source=mounted.txt,target=/m.txt cat /m.txt > /mounted.out')?.missReasons, ['mounted.txt changed']);

  // A build arg in scope is in every later RUN's key: those rerun, saying so.
  const arg = build(k, context, ['--build-arg', 'VERSION=2']);
  t.true(ran(arg).includes('RUN cat /a.txt > /a.out'), arg);
  t.false(ran(arg).includes('COPY other.txt /other.txt'));
  t.regex(stepsOf(arg).get('RUN cat /a.txt > /a.out')?.missReasons.join() ?? '', /build-arg VERSION changed/);
});

test.serial('--no-cache reruns every step, --no-cache-filter only the named stage\'s; a cache mount keeps its files across builds', (t) => {
  const k = fresh();
  const context = writeContext(path.join(work, 'nocache'), { Dockerfile: cacheDockerfile, 'src/a.txt': 'a\n', 'src/b.txt': 'b\n', 'other.txt': 'first\n', 'mounted.txt': 'm\n' });
  build(k, context);
  const all = ran(build(k, context, ['--no-cache']));
  t.is(all.length, 8, all.join('\n'));

  const filtered = build(k, context, ['--no-cache-filter', 'final']);
  t.deepEqual(ran(filtered), ['COPY --from=build /a.out /b.out /', 'COPY other.txt /other.txt', 'RUN --mount=type=bind,source=mounted.txt,target=/m.txt cat /m.txt > /mounted.out', 'RUN --mount=type=cache,target=/cache,id=log cat /other.txt >> /cache/log && cp /cache/log /seen.txt'], filtered);

  // The cache-mount step ran three times with "first"; a changed input appends once more.
  fs.writeFileSync(path.join(context, 'other.txt'), 'second\n');
  const next = build(k, context);
  t.deepEqual(ran(next), ['COPY --from=build /a.out /b.out /', 'COPY other.txt /other.txt', 'RUN --mount=type=bind,source=mounted.txt,target=/m.txt cat /m.txt > /mounted.out', 'RUN --mount=type=cache,target=/cache,id=log cat /other.txt >> /cache/log && cp /cache/log /seen.txt'], next);
  const image = saveImage(k, 'kiln-test/cache', path.join(work, 'cache-image-2'));
  t.is(fileAt(image.tree, 'seen.txt'), 'first\nfirst\nfirst\nsecond\n');
});

test.serial('independent stages run at the same time (from --progress=rawjson events)', (t) => {
  const k = fresh();
  const context = writeContext(path.join(work, 'parallel'), {
    Dockerfile: 'FROM busybox AS one\nRUN sleep 1 && echo 1 > /one\n\nFROM busybox AS two\nRUN sleep 1 && echo 2 > /two\n\nFROM scratch\nCOPY --from=one /one /\nCOPY --from=two /two /\n',
  });
  const r = kilnBuild(k, context, ['--progress=rawjson', '--jobs', '4']);
  t.is(r.status, 0, r.stderr);
  const events = rawEvents(r.stderr);
  const span = (needle: string): [number, number] => {
    const started = events.find((e) => e.type === 'vertex.started' && e.name?.includes(needle));
    const done = events.find((e) => e.type === 'vertex.completed' && e.digest === started?.digest);
    t.truthy(done, `events for ${needle}`);
    return [started?.time ?? 0, done?.time ?? 0];
  };
  const [s1, e1] = span('echo 1 > /one');
  const [s2, e2] = span('echo 2 > /two');
  t.true(e1 - s1 >= 1000 && e2 - s2 >= 1000, 'each step slept a second');
  t.true(s1 < e2 && s2 < e1, `the steps overlap: one ${s1}..${e1}, two ${s2}..${e2}`);

  // With one job at a time they do not.
  const serial = kilnBuild(k, context, ['--progress=rawjson', '--jobs', '1', '--no-cache']);
  t.is(serial.status, 0, serial.stderr);
  const ev = rawEvents(serial.stderr);
  const times = ['echo 1 > /one', 'echo 2 > /two'].map((needle) => {
    const started = ev.find((e) => e.type === 'vertex.started' && e.name?.includes(needle));
    return [started?.time ?? 0, ev.find((e) => e.type === 'vertex.completed' && e.digest === started?.digest)?.time ?? 0] as const;
  });
  const [[a0, a1], [b0, b1]] = times as [[number, number], [number, number]];
  t.true(a1 <= b0 || b1 <= a0, `--jobs 1 runs them one after the other: ${a0}..${a1}, ${b0}..${b1}`);
});

test.serial('two builds of the same context in the same root at the same time both succeed with the same tree', async (t) => {
  const k = fresh();
  const context = writeContext(path.join(work, 'concurrent'), {
    Dockerfile: 'FROM busybox\nCOPY . /ctx\nRUN --mount=type=cache,target=/c,sharing=locked ls /ctx > /listing && sleep 0.3\nRUN echo done > /done\n',
    'f1.txt': 'one\n',
    'dir/f2.txt': 'two\n',
  });
  const [a, b] = await Promise.all([kilnBuildAsync(k, context, ['-t', 'kiln-test/concurrent:a']), kilnBuildAsync(k, context, ['-t', 'kiln-test/concurrent:b'])]);
  t.is(a.status, 0, a.stderr);
  t.is(b.status, 0, b.stderr);
  const ia = saveImage(k, 'kiln-test/concurrent:a', path.join(work, 'concurrent-a'));
  const ib = saveImage(k, 'kiln-test/concurrent:b', path.join(work, 'concurrent-b'));
  t.is(fileAt(ia.tree, 'listing'), 'Dockerfile\ndir\nf1.txt\n');
  t.is(fileAt(ib.tree, 'listing'), fileAt(ia.tree, 'listing'));
  t.is(fileAt(ib.tree, 'ctx/dir/f2.txt'), 'two\n');
  t.deepEqual(ia.config.rootfs.diff_ids.slice(0, 2), ib.config.rootfs.diff_ids.slice(0, 2));
  t.deepEqual(leftovers(k.root), { mounts: [], containers: [] });
});
