// The exec op end to end on the busybox fixture, through the real cache
// manager, snapshotter and OCI executor: outputs, logs, failures, mounts,
// secrets, cache mounts, cancellation; and nothing left behind.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, isKilnError } from '@kiln/errors';
import type { ExecMount } from '@kiln/llb';
import type { Result } from '@kiln/solver';
import { isExecError } from '@kiln/worker';
import { activeSnapshots, opContext, openWorkerRoot, readRef, shOp, strayMounts, strayTempDirs, vertexOf, type WorkerRoot } from './support/worker-root.ts';

let root: WorkerRoot;
test.before(async () => {
  root = await openWorkerRoot();
});
test.after.always(async () => {
  await root?.close();
});
test.afterEach.always(async (t) => {
  t.deepEqual(await activeSnapshots(root), [], 'no active snapshots remain');
  t.deepEqual(strayMounts(root), [], 'no mounts remain');
  t.deepEqual(strayTempDirs(root), [], 'no temporary directories remain');
});

async function run(op: ReturnType<typeof shOp>, inputs: Result[] = [root.busybox], overrides = {}, signal?: AbortSignal) {
  const ctx = opContext(signal);
  const solverOp = root.worker(overrides).resolve(vertexOf(op, inputs.length), { vertices: [], root: undefined });
  const results = await solverOp.exec(inputs, ctx);
  return { results, logs: ctx.logs.join(''), release: () => Promise.all(results.map((r) => r?.release())) };
}

const secretMount = (id: string, dest = `/run/secrets/${id}`, optional = false): ExecMount => ({
  dest, input: -1, output: -1, readonly: true, type: 'secret', secret: { id, mode: 0o400, uid: 0, gid: 0, optional },
});

test.serial('RUN writes into a new committed ref on its input and streams its output', async (t) => {
  const r = await run(shOp('echo hello; echo oops >&2; mkdir -p /app && echo built > /app/out'));
  t.regex(r.logs, /stdout:hello/);
  t.regex(r.logs, /stderr:oops/);
  t.is(await readRef(r.results[0]!, (dir) => fs.readFileSync(path.join(dir, 'app/out'), 'utf8')), 'built\n');
  t.is(await readRef(root.busybox, (dir) => fs.existsSync(path.join(dir, 'app'))), false, 'the input is untouched');
  await r.release();
});

test.serial('a failing RUN throws ExecError with the command, exit code and last 20 lines, and keeps nothing', async (t) => {
  const script = 'for i in $(seq 1 30); do echo line $i; done; exit 3';
  const err = await t.throwsAsync(run(shOp(script)));
  t.true(isExecError(err), String(err));
  if (!isExecError(err)) return;
  t.is(err.code, ErrorCode.FailedPrecondition);
  t.is(err.exitCode, 3);
  t.deepEqual(err.args, ['/bin/sh', '-c', script]);
  t.deepEqual(err.lastLines, Array.from({ length: 20 }, (_, i) => `line ${i + 11}`));
  t.regex(err.message, /did not complete successfully: exit code: 3/);
});

test.serial('validExitCodes accepts a listed non-zero exit', async (t) => {
  const r = await run(shOp('exit 4', [], { validExitCodes: [0, 4] }));
  t.is(r.results.length, 1);
  await r.release();
});

test.serial('a secret file is readable in the step, on tmpfs, and absent from the layer, the logs and the cache key', async (t) => {
  const value = 'TOPSECRET-' + Math.random().toString(36).slice(2);
  const secrets = new Map([['tok', new TextEncoder().encode(value)]]);
  const op = shOp('test "$(cat /run/secrets/tok)" = "$EXPECT" && grep " /run/secrets/tok " /proc/mounts | cut -d" " -f3 && ls -ln /run/secrets/tok | cut -c1-10 && echo done > /marker', [secretMount('tok')], {
    env: ['PATH=/bin', `EXPECT=${value}`],
  });
  // The expected value travels in env here only to let the step check it; the key must still not contain the secret mount's value.
  const r = await run(op, [root.busybox], { secrets });
  t.regex(r.logs, /stdout:tmpfs\n/);
  t.regex(r.logs, /-r--------/);
  const layerHasSecret = await readRef(r.results[0]!, (dir) => {
    t.true(fs.existsSync(path.join(dir, 'marker')));
    t.false(fs.existsSync(path.join(dir, 'run/secrets/tok')), 'no stub left for the secret mount');
    return grepTree(dir, value);
  });
  t.deepEqual(layerHasSecret, []);
  const plain = shOp('true', [secretMount('tok')]);
  const map = await root.worker({ secrets }).resolve(vertexOf(plain, 1), { vertices: [], root: undefined }).cacheMap(opContext());
  t.false(JSON.stringify(map).includes(value));
  await r.release();
});

test.serial('an env secret reaches only the process environment', async (t) => {
  const value = 'ENVSECRET-' + Math.random().toString(36).slice(2);
  process.env.KILN_TEST_SECRET = value;
  const secrets = new Map([['tok', { env: 'KILN_TEST_SECRET' }]]);
  const op = shOp('[ "$TOK" = "' + 'x' + '" ] || [ ${#TOK} -gt 10 ] && echo len=${#TOK} && env > /dev/null', [], {}, [{ id: 'tok', name: 'TOK', optional: false }]);
  const r = await run(op, [root.busybox], { secrets });
  t.regex(r.logs, new RegExp(`len=${value.length}`));
  t.false(r.logs.includes(value));
  const map = await root.worker({ secrets }).resolve(vertexOf(op, 1), { vertices: [], root: undefined }).cacheMap(opContext());
  t.false(JSON.stringify(map).includes(value));
  t.deepEqual(await readRef(r.results[0]!, (dir) => grepTree(dir, value)), []);
  await r.release();
  delete process.env.KILN_TEST_SECRET;
});

test.serial('a missing required secret is NotFound; an optional one is skipped', async (t) => {
  const err = await t.throwsAsync(run(shOp('true', [secretMount('nope')])));
  t.true(isKilnError(err) && err.code === ErrorCode.NotFound);
  t.regex(err!.message, /secret nope: not found/);
  // The step asserts inside the container: it fails (and run throws) if the optional secret's path exists.
  const r = await run(shOp('test ! -e /run/secrets/opt', [secretMount('opt', '/run/secrets/opt', true)]));
  t.is(r.results.length, 1);
  await r.release();
});

test.serial('a cache mount persists across runs and stays out of the layer', async (t) => {
  const id = 'cache-' + Math.random().toString(36).slice(2);
  const cacheMount: ExecMount = { dest: '/cache', input: -1, output: -1, readonly: false, type: 'cache', cache: { id, sharing: 'locked' } };
  const first = await run(shOp('echo one >> /cache/log', [cacheMount]));
  const second = await run(shOp('echo two >> /cache/log; cat /cache/log', [cacheMount]));
  t.regex(second.logs, /one\ntwo/);
  t.false(await readRef(second.results[0]!, (dir) => fs.existsSync(path.join(dir, 'cache/log'))));
  await first.release();
  await second.release();
});

test.serial('tmpfs mounts are empty each time and never reach the layer', async (t) => {
  const tmpfs: ExecMount = { dest: '/scratch', input: -1, output: -1, readonly: false, type: 'tmpfs', tmpfs: { size: 1 << 20 } };
  const r = await run(shOp('test -z "$(ls /scratch)" && echo x > /scratch/f && grep " /scratch " /proc/mounts | cut -d" " -f3', [tmpfs]));
  t.regex(r.logs, /tmpfs/);
  t.false(await readRef(r.results[0]!, (dir) => fs.existsSync(path.join(dir, 'scratch/f'))));
  await r.release();
});

test.serial('a read-only bind mount of another ref shows the selected path and refuses writes', async (t) => {
  const m = await root.cache.newMutable(undefined);
  await import('./support/worker-root.ts').then(({ withTree }) =>
    withTree(m.mounts, (dir) => {
      fs.mkdirSync(path.join(dir, 'sub'));
      fs.writeFileSync(path.join(dir, 'sub/hello'), 'from input 1');
    }),
  );
  const other = await m.commit();
  const bind: ExecMount = { dest: '/src', input: 1, output: -1, readonly: true, type: 'bind', selector: '/sub' };
  const r = await run(shOp('cat /src/hello; touch /src/x 2>/dev/null && echo writable || echo readonly', [bind]), [root.busybox, other]);
  t.regex(r.logs, /from input 1/);
  t.regex(r.logs, /readonly/);
  await r.release();
  await other.release();
});

test.serial('a writable bind mount with an output becomes a second result', async (t) => {
  const bind: ExecMount = { dest: '/out', input: -1, output: 1, readonly: false, type: 'bind' };
  const r = await run(shOp('echo data > /out/file', [bind]));
  t.is(r.results.length, 2);
  t.is(await readRef(r.results[1]!, (dir) => fs.readFileSync(path.join(dir, 'file'), 'utf8')), 'data\n');
  await r.release();
});

test.serial('network none leaves only loopback', async (t) => {
  const r = await run(shOp('ls /sys/class/net'));
  t.is(r.logs.replace(/stdout:/g, '').trim(), 'lo');
  await r.release();
});

test.serial("network sandbox, BuildKit's default, is a namespace of the step's own with outbound eth0, not the host's", async (t) => {
  const r = await run(shOp('readlink /proc/self/ns/net; ls /sys/class/net | tr "\\n" " "', [], { network: 'sandbox' }));
  const [ns, ifaces] = r.logs.replace(/stdout:/g, '').trim().split('\n');
  t.not(ns, fs.readlinkSync('/proc/self/ns/net'));
  t.is(ifaces?.trim(), 'eth0 lo');
  await r.release();
});

test.serial('cancelling the context kills the step and keeps nothing', async (t) => {
  const controller = new AbortController();
  const started = Date.now();
  setTimeout(() => controller.abort(new Error('cancelled by test')), 500);
  const err = await t.throwsAsync(run(shOp('sleep 30'), [root.busybox], {}, controller.signal));
  t.true(Date.now() - started < 10_000, 'stopped promptly');
  t.true(isKilnError(err) && err.code === ErrorCode.Canceled, String(err));
});

/** Files below `dir` whose bytes contain `needle`. */
function grepTree(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}
