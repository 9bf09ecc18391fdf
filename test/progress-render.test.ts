// The TTY build display's pieces without a build: frames from a fixed state, the redraw arithmetic, step log files.
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BuildState, StepLogs, TtyBuildProgress, cleanLine, progressBar, renderFrame, type FrameOptions } from '@kiln/cli';
import type { BuildEvent } from '@kiln/builder';

const t0 = 1_000_000;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const options = (o: Partial<FrameOptions> = {}): FrameOptions => ({ now: t0 + 2500, columns: 80, rows: undefined, final: false, logFile: () => undefined, ...o });

function stateOf(events: BuildEvent[]): BuildState {
  const s = new BuildState(t0, 6);
  for (const e of events) s.apply(e);
  return s;
}

const sample: BuildEvent[] = [
  { type: 'vertex.cached', digest: 'a', name: '[1/3] FROM docker.io/library/busybox:latest', time: t0 },
  { type: 'vertex.started', digest: 'b', name: '[2/3] RUN make', time: t0 + 100 },
  { type: 'vertex.completed', digest: 'b', name: '[2/3] RUN make', time: t0 + 1300, durationMs: 1200 },
  { type: 'vertex.started', digest: 'c', name: '[3/3] RUN make test', time: t0 + 1300 },
  ...Array.from({ length: 9 }, (_, i): BuildEvent => ({ type: 'vertex.log', digest: 'c', stream: 'stdout', data: enc(`test ${i + 1}\n`), time: t0 + 1400 })),
  { type: 'vertex.progress', digest: 'c', id: 'x', name: 'sha256:0123456789abcdef0123', current: 500_000, total: 1_000_000, time: t0 + 2000 },
];

test('a live frame: header, collapsed finished steps with times, CACHED, the running step with its timer, bar and last 6 lines', (t) => {
  const lines = renderFrame(stateOf(sample), options({ logFile: (d) => (d === 'c' ? '/logs/3.log' : undefined) })).map((l) => l.text);
  // 80 columns: lines are 79 wide, the time right-aligned.
  const row = (text: string, time: string): string => `${text.padEnd(74)} ${time}`;
  t.deepEqual(lines, [
    '[+] Building 2.5s (2/3)',
    row(' => CACHED [1/3] FROM docker.io/library/busybox:latest', '0.0s'),
    row(' => [2/3] RUN make', '1.2s'),
    row(' => [3/3] RUN make test', '1.2s'),
    row(' => => sha256:0123456789ab [=========>          ] 500.0kB / 1.00MB', '0.5s'),
    ' => => # … 3 earlier lines not shown; full log: /logs/3.log',
    ' => => # test 4', ' => => # test 5', ' => => # test 6', ' => => # test 7', ' => => # test 8', ' => => # test 9',
  ]);
  t.true(lines.every((l) => l.length <= 79));
});

test('the final frame: every step collapsed, FINISHED, and the files holding clipped output', (t) => {
  const state = stateOf([...sample, { type: 'vertex.completed', digest: 'c', name: '[3/3] RUN make test', time: t0 + 3000, durationMs: 1700 }, { type: 'build.warning', message: 'JSONArgsRecommended', time: t0 }]);
  const lines = renderFrame(state, options({ final: true, now: t0 + 9999, logFile: (d) => (d === 'c' ? '/logs/3.log' : undefined) })).map((l) => l.text);
  t.is(lines[0], '[+] Building 3.0s (3/3) FINISHED');
  t.is(lines.filter((l) => l.startsWith(' => => #')).length, 0);
  t.deepEqual(lines.slice(-3), ['1 warning found:', ' - JSONArgsRecommended', 'full output of #3 [3/3] RUN make test (9 lines): /logs/3.log']);
});

test('narrow and short terminals: lines are cut with …, finished steps give way to running ones', (t) => {
  const narrow = renderFrame(stateOf(sample), options({ columns: 30 })).map((l) => l.text);
  t.true(narrow.every((l) => l.length <= 29), narrow.join('\n'));
  t.is(narrow[3], ' => [3/3] RUN make test  1.2s');
  const short = renderFrame(stateOf(sample), options({ rows: 6 })).map((l) => l.text);
  t.true(short.length <= 5, short.join('\n'));
  t.is(short[1], ' => … 2 finished steps not shown');
  t.true(short[2]!.startsWith(' => [3/3] RUN make test'));
});

test('output lines are made safe to draw: carriage returns, escapes and control characters go', (t) => {
  t.is(cleanLine('10%\r50%\r100%'), '100%');
  t.is(cleanLine('\x1b[31mred\x1b[0m\tok\x07'), 'red    ok');
  t.is(progressBar(0, 4), '    ');
  t.is(progressBar(0.5, 4), '=>  ');
  t.is(progressBar(1, 4), '====');
});

test('redraws go back over as many rows as the last frame takes at the current width (after a resize too)', (t) => {
  const writes: string[] = [];
  const stream = { columns: 80, rows: 50, write: (s: string) => writes.push(s), listeners: [] as (() => void)[], on(_: 'resize', l: () => void) { this.listeners.push(l); }, off() {} };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-render-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  let now = t0;
  const display = new TtyBuildProgress(stream, { color: false, logs: new StepLogs({ dir: path.join(dir, 'logs', 'b1'), limitLines: 6 }), dockerfileText: '', intervalMs: 1_000_000, now: () => now });
  display.handle({ type: 'vertex.started', digest: 'a', name: `[1/1] RUN ${'x'.repeat(70)}`, time: t0 });
  now += 100;
  stream.listeners[0]!(); // draws: header + one step line of 79 columns
  t.false(writes.at(-1)!.includes('\x1b['.concat('1A')), 'nothing drawn before');
  stream.columns = 40; // the 79-column line now takes two rows
  now += 100;
  stream.listeners[0]!();
  t.true(writes.at(-1)!.startsWith('\x1b[3A\r'), JSON.stringify(writes.at(-1)));
  display.succeeded({ imageId: 'sha256:x', digest: undefined, names: [], metadata: {}, pushed: [], stats: { executed: 1, cached: 0 }, durationMs: 1, summary: ['done'] });
  t.is(writes.at(-1), 'done\n');
});

test('step logs: a step stays in memory within the limit, goes to a file (from its first byte) past it, and on keep()', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-steplogs-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const logs = new StepLogs({ dir: path.join(dir, 'logs', 'b2'), limitLines: 2, keepBuilds: 2 });
  fs.mkdirSync(path.join(dir, 'logs', 'a0'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'logs', 'a1'), { recursive: true });
  logs.register('s', '1 [1/1] RUN x');
  logs.append('s', enc('one\ntwo\n'));
  t.is(logs.fileOf('s'), undefined);
  logs.append('s', enc('three\n'));
  const file = logs.fileOf('s')!;
  t.is(path.basename(file), '1-1-1-run-x.log');
  logs.append('s', enc('four\n'));
  logs.register('q', 'quiet step');
  logs.append('q', enc('only\n'));
  t.is(fs.readFileSync(logs.keep('q')!, 'utf8'), 'only\n');
  logs.close();
  t.is(fs.readFileSync(file, 'utf8'), 'one\ntwo\nthree\nfour\n');
  t.deepEqual(fs.readdirSync(path.join(dir, 'logs')).sort(), ['a1', 'b2'], 'older build log directories beyond keepBuilds are pruned');
});
