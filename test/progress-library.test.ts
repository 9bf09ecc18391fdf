// The library API of @kiln/builder: build() as a typed event stream plus a result, cancelled by an AbortSignal.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, parse, type BuildEvent } from '@kiln/builder';
import { CanceledError } from '@kiln/errors';
import { buildContext, busyboxRoot } from './support/busybox-root.ts';
import type { KilnEnv } from './support/images-cli.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-progress-library-'));
let k: KilnEnv;
test.before(() => {
  k = busyboxRoot(tmp);
});
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Mount points under `dir` (from this mount namespace's table). */
function mountsUnder(dir: string): string[] {
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '').filter((p) => p.startsWith(dir));
}

/** Processes whose command line is exactly `args`. */
function processes(args: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n').filter((l) => l.trim().replace(/^\d+\s+/, '') === args);
}

test('build() yields typed events in order and resolves with the image; parse() needs no root', async (t) => {
  const text = 'FROM busybox\nRUN echo from the library\n';
  const parsed = parse(text);
  t.deepEqual(parsed.dockerfile.instructions.map((i) => i.name), ['from', 'run']);
  const bad = parse('FROM busybox\nRUN <<EOF\necho\n').diagnostics.find((d) => d.severity === 'error');
  t.deepEqual(bad?.range.start, { line: 2, column: 5 }, 'a diagnostic with its 1-based range');
  const context = buildContext(tmp, 'ok', { Dockerfile: text });
  const run = build({ contextDir: context, dockerfileText: text, dockerfileName: 'Dockerfile', root: k.root, tags: ['library:ok'] });
  t.is(run.root, k.root);
  const seen: BuildEvent[] = [];
  for await (const event of run.events) seen.push(event);
  const result = await run.result;
  t.regex(result.imageId ?? '', /^sha256:[0-9a-f]{64}$/);
  t.deepEqual(result.names, ['docker.io/library/library:ok']);
  const runStep = seen.find((e) => e.type === 'vertex.started' && e.name === '[2/2] RUN echo from the library');
  t.truthy(runStep);
  const digest = runStep!.type === 'vertex.started' ? runStep.digest : '';
  const output = seen.filter((e) => e.type === 'vertex.log' && e.digest === digest).map((e) => (e.type === 'vertex.log' ? Buffer.from(e.data).toString() : '')).join('');
  t.is(output, 'from the library\n');
  const started = seen.findIndex((e) => e === runStep);
  const completed = seen.findIndex((e) => e.type === 'vertex.completed' && e.digest === digest);
  t.true(started < completed);
});

test('aborting during RUN sleep: build() rejects with CanceledError quickly and leaves nothing mounted or running', async (t) => {
  const text = 'FROM busybox\nRUN sleep 37\n';
  const context = buildContext(tmp, 'cancel', { Dockerfile: text });
  const controller = new AbortController();
  const run = build({ contextDir: context, dockerfileText: text, dockerfileName: 'Dockerfile', root: k.root, noCache: true, signal: controller.signal });
  let abortedAt = 0;
  let sawSleep = false;
  for await (const event of run.events) {
    if (event.type === 'vertex.started' && event.name === '[2/2] RUN sleep 37') {
      // Give the container time to really start: the abort must stop a running process.
      setTimeout(() => {
        sawSleep = processes('sleep 37').length > 0;
        abortedAt = Date.now();
        controller.abort();
      }, 700);
    }
  }
  const error = await t.throwsAsync(run.result);
  const took = Date.now() - abortedAt;
  t.true(sawSleep, 'the sleep was running when the build was aborted');
  t.true(error instanceof CanceledError || (error as { code?: string }).code === 'Canceled', String(error));
  t.true(took < 10_000, `took ${took}ms to stop`);
  t.deepEqual(processes('sleep 37'), []);
  t.deepEqual(mountsUnder(k.root), []);
  const executor = path.join(k.root, 'executor');
  t.deepEqual(fs.existsSync(executor) ? fs.readdirSync(executor).filter((n) => n.startsWith('run-')) : [], [], 'no container bundles left');
});
