// kiln build --progress=rawjson: every line on stderr is one JSON event valid against the published schema.
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RawJsonProgress, incompleteTail, rawjsonSchema } from '@kiln/cli';
import { buildContext, busyboxRoot } from './support/busybox-root.ts';
import { kilnAsync, type KilnEnv } from './support/images-cli.ts';
import { validate } from './support/json-schema.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-progress-rawjson-'));
let k: KilnEnv;
test.before(() => {
  k = busyboxRoot(tmp);
});
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

type Line = Record<string, unknown> & { v: number; type: string; time: number };

/** Parses and validates every stderr line; fails the test on any that is not a valid event. */
function events(t: { fail(m: string): void; deepEqual(a: unknown, b: unknown, m?: string): void }, stderr: string): Line[] {
  const lines = stderr.split('\n');
  t.deepEqual(lines.at(-1), '', 'stderr ends with a newline');
  return lines.slice(0, -1).map((line, i) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      t.fail(`line ${i + 1} is not JSON: ${line}`);
    }
    t.deepEqual(validate(parsed, rawjsonSchema), [], `line ${i + 1}: ${line}`);
    return parsed as Line;
  });
}

/** A step's output bytes, joined from its text and base64 log events. */
function output(lines: Line[], digest: unknown): Buffer {
  return Buffer.concat(lines.filter((e) => e.type === 'vertex.log' && e.digest === digest).map((e) => (typeof e.text === 'string' ? Buffer.from(e.text) : Buffer.from(e.base64 as string, 'base64'))));
}

test('a successful build: every stderr line is a schema-valid event, ending with build.result; stdout stays empty', async (t) => {
  const context = buildContext(tmp, 'ok', {
    Dockerfile: [
      'FROM busybox',
      // Invalid UTF-8 (\xff) must come through as base64; the split é must stay text.
      `RUN printf 'caf\\xc3\\xa9 \\xff\\n'`,
      `RUN printf 'split \\xc3'; sleep 0.3; printf '\\xa9 whole\\n'`,
      'COPY hello.txt /hello.txt',
      // A build check fires: its warning is an event too.
      'CMD echo hi',
      '',
    ].join('\n'),
    'hello.txt': 'hi\n',
  });
  const r = await kilnAsync(k, ['build', '--progress=rawjson', '--no-cache', '-t', 'rawjson:ok', context]);
  t.is(r.status, 0, r.stderr);
  t.is(r.stdout, '');
  const lines = events(t, r.stderr);
  t.true(lines.every((e) => e.v === 1));
  const names = lines.filter((e) => e.type === 'vertex.started').map((e) => e.name as string);
  t.true(names.includes('[internal] load build definition from Dockerfile'), names.join('\n'));
  t.true(names.includes('[internal] load .dockerignore'));
  t.true(names.includes('[internal] load metadata for docker.io/library/busybox:latest'));
  t.true(names.includes('exporting to image'));

  const started = (prefix: string): Line => lines.find((e) => e.type === 'vertex.started' && (e.name as string).startsWith(prefix))!;
  const invalid = started('[2/4] RUN');
  t.deepEqual(output(lines, invalid.digest), Buffer.from([...Buffer.from('caf\u00e9 '), 0xff, 0x0a]));
  t.true(lines.some((e) => e.digest === invalid.digest && typeof e.base64 === 'string'), 'invalid UTF-8 goes out as base64');
  const split = started('[3/4] RUN');
  const splitLogs = lines.filter((e) => e.type === 'vertex.log' && e.digest === split.digest);
  t.true(splitLogs.every((e) => typeof e.text === 'string'), JSON.stringify(splitLogs));
  t.is(output(lines, split.digest).toString(), 'split \u00e9 whole\n');

  // Every started step ends exactly once, and nothing about it follows its end.
  for (const s of lines.filter((e) => e.type === 'vertex.started')) {
    const about = lines.filter((e) => e.digest === s.digest);
    const ends = about.filter((e) => e.type === 'vertex.completed');
    t.is(ends.length, 1, String(s.name));
    t.is(about.at(-1), ends[0]);
  }
  const warning = lines.find((e) => e.type === 'build.warning' && (e.rule as { name?: string } | undefined)?.name === 'JSONArgsRecommended');
  t.truthy(warning, 'the JSONArgsRecommended check as a build.warning event');
  t.is((warning?.range as { start: { line: number } } | undefined)?.start.line, 5);
  const last = lines.at(-1)!;
  t.is(last.type, 'build.result');
  t.regex(last.imageId as string, /^sha256:[0-9a-f]{64}$/);
  t.deepEqual(last.names, ['docker.io/library/rawjson:ok']);
  t.deepEqual(last.pushed, []);
  // The counts agree with the steps the stream reported (the build's own kiln:… steps are not solver steps).
  const solverSteps = (type: string): number => lines.filter((e) => e.type === type && (e.digest as string).startsWith('sha256:')).length;
  t.deepEqual(last.stats, { executed: solverSteps('vertex.completed'), cached: solverSteps('vertex.cached') });
  t.true(solverSteps('vertex.completed') >= 4);
});

test('a failed step: the stream stays pure JSON and ends with build.error naming the step, its Dockerfile line and last output', async (t) => {
  const context = buildContext(tmp, 'fail', { Dockerfile: 'FROM busybox\nRUN echo before\nRUN echo going down; exit 3\n' });
  const r = await kilnAsync(k, ['build', '--progress=rawjson', context]);
  t.is(r.status, 1);
  const lines = events(t, r.stderr);
  const failed = lines.find((e) => e.type === 'vertex.failed');
  t.truthy(failed);
  const error = lines.at(-1)!;
  t.is(error.type, 'build.error');
  t.regex(error.message as string, /exit code: 3/);
  const step = error.step as { name: string; digest: string; locations: { file: string; ranges: { start: { line: number } }[] }[] };
  t.is(step.name, '[3/3] RUN echo going down; exit 3');
  t.is(step.digest, failed!.digest as string);
  t.is(step.locations[0]!.ranges[0]!.start.line, 3);
  t.deepEqual(error.lastLines, ['going down']);
  t.regex(error.rendered as string, /ERROR: failed to solve/);
});

test('a Dockerfile syntax error is a build.error with its location, still valid JSON', async (t) => {
  const context = buildContext(tmp, 'syntax', { Dockerfile: 'FROM busybox\nFORM busybox\n' });
  const r = await kilnAsync(k, ['build', '--progress=rawjson', context]);
  t.is(r.status, 1);
  const lines = events(t, r.stderr);
  const error = lines.at(-1)!;
  t.is(error.type, 'build.error');
  t.regex(error.message as string, /FORM/);
  const locations = error.locations as { ranges: { start: { line: number; column: number } }[] }[];
  t.deepEqual(locations[0]!.ranges[0]!.start, { line: 2, column: 1 });
});

test('the validator rejects events the schema does not allow (so the checks above can fail)', (t) => {
  const ok = { v: 1, type: 'vertex.log', time: 1, digest: 'sha256:x', stream: 'stdout', text: 'hi\n' };
  t.deepEqual(validate(ok, rawjsonSchema), []);
  t.not(validate({ ...ok, v: 2 }, rawjsonSchema).length, 0);
  t.not(validate({ ...ok, stream: 'stdin' }, rawjsonSchema).length, 0);
  t.not(validate({ ...ok, base64: 'aGk=' }, rawjsonSchema).length, 0, 'text and base64 at once');
  t.not(validate({ v: 1, type: 'build.result', time: 1 }, rawjsonSchema).length, 0);
  t.not(validate({ v: 1, type: 'made.up', time: 1 }, rawjsonSchema).length, 0);
});

test('log bytes: a character split over chunks waits for its end; half a character at a step\'s end goes out as base64', (t) => {
  const out: string[] = [];
  const p = new RawJsonProgress((l) => out.push(l), '', () => 5);
  const log = (data: number[]): void => p.handle({ type: 'vertex.log', digest: 'd', stream: 'stdout', data: new Uint8Array(data), time: 1 });
  log([0x61, 0xe2, 0x82]); // "a" + 2 of the 3 bytes of "€"
  log([0xac, 0x0a]);
  log([0xf0, 0x9f]); // half an emoji, never finished
  p.handle({ type: 'vertex.completed', digest: 'd', name: 'n', durationMs: 1, time: 2 });
  const lines = out.map((l) => JSON.parse(l) as Record<string, unknown>);
  for (const l of lines) t.deepEqual(validate(l, rawjsonSchema), []);
  t.deepEqual(lines.map((l) => l.text ?? l.base64 ?? l.type), ['a', '\u20ac\n', Buffer.from([0xf0, 0x9f]).toString('base64'), 'vertex.completed']);
  t.is(incompleteTail(new Uint8Array([0x61])), 1);
  t.is(incompleteTail(new Uint8Array([0x61, 0xc3])), 1);
  t.is(incompleteTail(new Uint8Array([0xe2, 0x82, 0xac])), 3);
});
