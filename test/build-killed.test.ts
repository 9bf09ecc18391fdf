// A build killed outright (SIGKILL, no chance to clean up) leaves no container,
// process, mount or bundle behind, and the store stays usable.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { busyboxEnv, kilnBuild, leftovers, writeContext } from './support/build-cli.ts';
import { kiln, kilnBin, makeBusyboxLayout } from './support/images-cli.ts';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-build-killed-'));
test.after.always(() => fs.rmSync(work, { recursive: true, force: true }));

const marker = `kiln-killed-${process.pid}`;
const sleepers = (): string[] => {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

async function until(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (check()) return true;
  return check();
}

test('SIGKILL during a RUN: the step\'s container, mounts and bundle go at once, and the next build works', async (t) => {
  const layout = path.join(work, 'busybox');
  makeBusyboxLayout(layout);
  const k = busyboxEnv(path.join(work, 'env'), layout);
  const context = writeContext(path.join(work, 'ctx'), { Dockerfile: `FROM busybox\nRUN echo started && sleep 300 ${marker} || sleep 300\n` });
  const child = spawn(kilnBin, ['build', '--progress=plain', context], { env: k.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const started = new Promise<void>((resolve) => child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
    if (/\d started$/m.test(stderr)) resolve();
  }));
  await Promise.race([started, new Promise((r) => setTimeout(r, 60_000))]);
  t.regex(stderr, /started/, 'the step was running');
  child.kill('SIGKILL');
  await new Promise((r) => child.once('close', r));

  const executor = path.join(k.root, 'executor');
  const clean = await until(() => {
    const left = leftovers(k.root);
    const bundles = fs.existsSync(executor) ? fs.readdirSync(executor).filter((n) => n.startsWith('run-')) : [];
    return left.mounts.length === 0 && left.containers.length === 0 && bundles.length === 0 && sleepers().length === 0;
  }, 15_000);
  t.true(clean, JSON.stringify({ ...leftovers(k.root), sleepers: sleepers() }));

  const next = kilnBuild(k, writeContext(path.join(work, 'next'), { Dockerfile: 'FROM busybox\nRUN echo fine > /ok\n' }), ['-t', 'next:1']);
  t.is(next.status, 0, next.stderr);
  t.regex(kiln(k, ['images']).stdout, /next\s+1/);
});
