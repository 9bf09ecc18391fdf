// kiln build --progress=tty on a pseudo-terminal: the live display redraws in place, and the screen it leaves is sensible.
import test from 'ava';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildContext, busyboxRoot } from './support/busybox-root.ts';
import { kilnBin, type KilnEnv, type KilnRun } from './support/images-cli.ts';
import { playScreen } from './support/screen.ts';
import { repoRoot } from './support/shared.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-progress-tty-'));
let k: KilnEnv;
test.before(() => {
  k = busyboxRoot(tmp);
});
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

const quote = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;

/**
 * Runs kiln on a pseudo-terminal of `columns` × `rows` (util-linux `script`);
 * `after` is a shell command run alongside it (to resize the terminal).
 */
function kilnTty(args: readonly string[], o: { columns: number; rows: number; env?: NodeJS.ProcessEnv; after?: string }): Promise<KilnRun> {
  const kilnCommand = [kilnBin, ...args].map(quote).join(' ');
  const command = `stty cols ${o.columns} rows ${o.rows}; ${o.after === undefined ? `exec ${kilnCommand}` : `${kilnCommand} & pid=$!; ${o.after}; wait $pid`}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: repoRoot, env: { ...k.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.once('error', reject);
    // The terminal's line discipline turns \n into \r\n; the checks below read plain newlines.
    child.once('close', (status) => resolve({ status, stdout: stdout.replace(/\r\n/g, '\n'), stderr }));
  });
}

/** The lines of the last frame: from the last `[+] Building` header to the end of the screen. */
function finalFrame(lines: string[]): string[] {
  const header = lines.findLastIndex((l) => l.startsWith('[+] Building'));
  return header < 0 ? [] : lines.slice(header);
}

const sgrColour = /\x1b\[(3\d|9\d)m/;

test('a build on a terminal: one frame redrawn in place, steps collapsed with timers, CACHED marked on a rebuild, then the summary', async (t) => {
  const context = buildContext(tmp, 'ok', {
    Dockerfile: 'FROM busybox\nCOPY a.txt /a.txt\nRUN echo working; sleep 0.6; echo done\n',
    'a.txt': 'a\n',
  });
  const first = await kilnTty(['build', '--progress=tty', '-t', 'tty:ok', context], { columns: 100, rows: 40 });
  t.is(first.status, 0, first.stdout);
  t.regex(first.stdout, sgrColour, 'colours, as NO_COLOR is empty');
  const screen = playScreen(first.stdout, 100);
  t.deepEqual(screen.unknown, []);
  // Frames were drawn over each other: the screen holds exactly one header, the final one.
  t.is(screen.lines.filter((l) => l.startsWith('[+] Building')).length, 1, screen.lines.join('\n'));
  const frame = finalFrame(screen.lines);
  t.regex(frame[0]!, /^\[\+\] Building \d+\.\ds \((\d+)\/\1\) FINISHED$/);
  for (const name of ['[internal] load build definition from Dockerfile', '[internal] load .dockerignore', '[internal] load metadata for docker.io/library/busybox:latest', '[3/3] RUN echo working; sleep 0.6; echo done', 'exporting to image']) {
    t.is(frame.filter((l) => l.startsWith(` => ${name}`)).length, 1, `${name} in\n${frame.join('\n')}`);
  }
  t.regex(frame.find((l) => l.includes('RUN echo working'))!, /\s(0\.[6-9]|[1-9]\d*\.\d)s$/, 'the RUN took its sleep');
  t.true(frame.filter((l) => l.startsWith(' => ') || l.startsWith('[+]')).every((l) => l.length < 100), 'no step line wraps');
  t.regex(first.stdout, / => => # working/, 'the running step showed its output live');
  // The summary lines may wrap on the screen: read them from the bytes written.
  t.regex(first.stdout, /\x1b\[Jbuilt in \d+\.\ds: \d+ steps, \d+ run, \d+ cached\nimage sha256:[0-9a-f]{64} as docker\.io\/library\/tty:ok\n$/);

  const again = await kilnTty(['build', '--progress=tty', context], { columns: 100, rows: 40, env: { NO_COLOR: '1' } });
  t.is(again.status, 0, again.stdout);
  t.notRegex(again.stdout, sgrColour, 'NO_COLOR: no colours');
  const cached = finalFrame(playScreen(again.stdout, 100).lines);
  t.true(cached.some((l) => l.startsWith(' => CACHED [3/3] RUN echo working')), cached.join('\n'));
  t.true(cached.some((l) => / 0 run, \d+ cached$/.test(l)), cached.join('\n'));
});

test('output past the display limit: the display says how much it hides and names a file holding all of it', async (t) => {
  const context = buildContext(tmp, 'long', { Dockerfile: 'FROM busybox\nRUN for i in $(seq 1 30); do echo "line $i"; done; sleep 0.8\n' });
  const r = await kilnTty(['build', '--progress=tty', context], { columns: 120, rows: 40 });
  t.is(r.status, 0, r.stdout);
  const live = playScreen(r.stdout, 120);
  t.regex(r.stdout, /24 earlier lines not shown; full log: /, 'the live view says what it clips');
  t.regex(r.stdout, / => => # line 30/);
  t.true(finalFrame(live.lines).some((l) => /^full output of #\d+ \[2\/2\] RUN for i in/.test(l)), live.lines.join('\n'));
  // The path may wrap on the screen: read it from the bytes written.
  const file = /full output of #\d+ .*? \(30 lines\): (\S+\.log)\n/.exec(r.stdout)?.[1];
  t.truthy(file, r.stdout);
  t.true(file!.startsWith(path.join(k.root, 'logs') + path.sep));
  t.is(fs.readFileSync(file!, 'utf8'), Array.from({ length: 30 }, (_, i) => `line ${i + 1}\n`).join(''));
});

test('a failed step: marked ERROR, the error block below the frame, the full output in a named file', async (t) => {
  const context = buildContext(tmp, 'fail', { Dockerfile: 'FROM busybox\nRUN for i in $(seq 1 40); do echo "out $i"; done; exit 2\n' });
  const r = await kilnTty(['build', '--progress=tty', context], { columns: 100, rows: 40, env: { NO_COLOR: '1' } });
  t.is(r.status, 1);
  const lines = playScreen(r.stdout, 100).lines;
  const frame = finalFrame(lines);
  t.true(frame.some((l) => l.startsWith(' => ERROR [2/2] RUN for i in')), frame.join('\n'));
  t.regex(r.stdout, /\nERROR: failed to solve: process "\/bin\/sh -c for i in .*" did not complete successfully: exit code: 2\n/);
  t.true(frame.some((l) => /^\s+2 \| >>> RUN for i in/.test(l)), 'the Dockerfile line, marked');
  t.true(frame.some((l) => l.startsWith('#5 out 40')), 'the last lines of output in the error block');
  const named = /\(20 earlier lines not shown; the step's full output is in (\S+\.log)\)\n/.exec(r.stdout)?.[1];
  t.truthy(named, r.stdout);
  t.is(fs.readFileSync(named!, 'utf8').split('\n').length - 1, 40);
});

test('a terminal resized mid-build: the display follows the new width and still ends on one sensible frame', async (t) => {
  const context = buildContext(tmp, 'resize', { Dockerfile: 'FROM busybox\nRUN echo a long line of output that is wider than sixty columns for sure, really; sleep 1.5\n' });
  const r = await kilnTty(['build', '--progress=tty', '--no-cache', context], { columns: 120, rows: 30, after: 'sleep 1; stty cols 60' });
  t.is(r.status, 0, r.stdout);
  const screen = playScreen(r.stdout, 60);
  t.deepEqual(screen.unknown, []);
  const frame = finalFrame(screen.lines);
  t.regex(frame[0]!, /FINISHED$/);
  // The final frame was drawn for 60 columns (lines cut to 59), the summary lines may wrap.
  const steps = frame.filter((l) => l.startsWith(' => '));
  t.true(steps.length >= 4, frame.join('\n'));
  t.true(steps.every((l) => l.length <= 59), steps.join('\n'));
  t.true(frame.some((l) => l.startsWith('built in')));
});

test('a short terminal: live frames fit its height, the final frame shows every step', async (t) => {
  const context = buildContext(tmp, 'short', { Dockerfile: 'FROM busybox\nRUN echo 1\nRUN echo 2\nRUN echo 3\nRUN echo 4\nRUN for i in $(seq 1 9); do echo x$i; done; sleep 0.6\n' });
  const r = await kilnTty(['build', '--progress=tty', '--no-cache', context], { columns: 100, rows: 8 });
  t.is(r.status, 0, r.stdout);
  // Every live frame (from a header to the next cursor-up) has at most rows - 1 lines.
  const frames = r.stdout.split(/\x1b\[\d+A/).slice(0, -1);
  t.true(frames.length > 0);
  for (const f of frames) {
    const drawn = f.slice(f.lastIndexOf('[+] Building')).split('\n').length - 1;
    t.true(drawn <= 7, `a frame of ${drawn} lines:\n${f}`);
  }
  t.regex(r.stdout, /finished steps? not shown/);
  const frame = finalFrame(playScreen(r.stdout, 100).lines);
  for (let n = 1; n <= 4; n++) t.true(frame.some((l) => l.startsWith(` => [${n + 1}/6] RUN echo ${n}`)), frame.join('\n'));
});
