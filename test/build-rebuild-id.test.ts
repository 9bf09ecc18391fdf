// A rebuild that reuses every step gives the same image, as BuildKit's does:
// history and config times come from the cached layers, not the clock.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { busyboxEnv, kilnBuild, writeContext } from './support/build-cli.ts';
import { makeBusyboxLayout } from './support/images-cli.ts';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-rebuild-id-'));
test.after.always(() => fs.rmSync(work, { recursive: true, force: true }));

test('a fully cached rebuild has the same image id; a changed step gives a new one', (t) => {
  const layout = path.join(work, 'busybox');
  makeBusyboxLayout(layout);
  const k = busyboxEnv(path.join(work, 'env'), layout);
  const context = writeContext(path.join(work, 'ctx'), { Dockerfile: 'FROM busybox\nCOPY a.txt /a.txt\nRUN cat /a.txt > /b.txt\nENV X=1\nCMD ["cat", "/b.txt"]\n', 'a.txt': 'one\n' });
  const iid = (): string => {
    const file = path.join(work, 'iid');
    const r = kilnBuild(k, context, ['--iidfile', file]);
    t.is(r.status, 0, r.stderr);
    return fs.readFileSync(file, 'utf8');
  };
  const first = iid();
  t.is(iid(), first);
  fs.writeFileSync(path.join(context, 'a.txt'), 'two\n');
  t.not(iid(), first);
});
