// kiln build --progress=plain (BuildKit's #N format, no control characters) and --progress=quiet (only the image id).
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildContext, busyboxRoot } from './support/busybox-root.ts';
import { kilnAsync, type KilnEnv } from './support/images-cli.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-progress-plain-'));
let k: KilnEnv;
test.before(() => {
  k = busyboxRoot(tmp);
});
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('plain: BuildKit\'s #N blocks, every output line, no control characters (also the default off a terminal)', async (t) => {
  const context = buildContext(tmp, 'plain', { Dockerfile: 'FROM busybox\nRUN for i in $(seq 1 25); do echo "n $i"; done\n' });
  for (const args of [['--progress=plain'], []]) {
    const r = await kilnAsync(k, ['build', ...args, '--no-cache', context]);
    t.is(r.status, 0, r.stderr);
    t.notRegex(r.stderr, /[\x00-\x09\x0b-\x1f\x7f]/, 'no control characters but newlines');
    t.regex(r.stderr, /^#1 \[internal\] load build definition from Dockerfile\n#1 .*transferring dockerfile: \d+B done\n#1 DONE \d+\.\ds\n/);
    t.regex(r.stderr, /\n#\d+ \[internal\] load metadata for docker\.io\/library\/busybox:latest\n/);
    const run = /\n#(\d+) \[2\/2\] RUN for i in/.exec(r.stderr);
    t.truthy(run, r.stderr);
    // Plain prints every line: nothing is clipped, so it names no log file.
    for (let i = 1; i <= 25; i++) t.regex(r.stderr, new RegExp(`\\n#${run![1]} \\d+\\.\\d{3} n ${i}\\n`));
    t.regex(r.stderr, new RegExp(`\\n#${run![1]} DONE \\d+\\.\\ds\\n`));
    t.regex(r.stderr, /\nbuilt in \d+\.\ds: \d+ steps, \d+ run, \d+ cached\nimage sha256:[0-9a-f]{64}\n$/);
    t.notRegex(r.stderr, /logs\//);
  }
});

test('quiet: stdout is the image id alone and stderr is empty', async (t) => {
  const context = buildContext(tmp, 'quiet', { Dockerfile: 'FROM busybox\nRUN echo noisy\n' });
  const r = await kilnAsync(k, ['build', '--progress=quiet', '--iidfile', path.join(tmp, 'iid'), context]);
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /^sha256:[0-9a-f]{64}\n$/);
  t.is(r.stdout.trim(), fs.readFileSync(path.join(tmp, 'iid'), 'utf8'));
  t.is(r.stderr, '');
});

test('quiet, failing: only the error block on stderr, and the failed step\'s whole output in a file it names', async (t) => {
  const context = buildContext(tmp, 'quiet-fail', { Dockerfile: 'FROM busybox\nRUN for i in $(seq 1 50); do echo "q $i"; done; exit 4\n' });
  const r = await kilnAsync(k, ['build', '--progress=quiet', context]);
  t.is(r.status, 1);
  t.is(r.stdout, '');
  t.regex(r.stderr, /^------\n > \[2\/2\] RUN for i in .*:\n/);
  t.regex(r.stderr, /\nERROR: failed to solve: .*exit code: 4\n$/);
  const file = /the step's full output is in (\S+\.log)\)/.exec(r.stderr)?.[1];
  t.truthy(file, r.stderr);
  t.is(fs.readFileSync(file!, 'utf8'), Array.from({ length: 50 }, (_, i) => `q ${i + 1}\n`).join(''));
});
