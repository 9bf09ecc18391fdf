// The executor against a real runtime on a real overlay of the busybox fixture:
// isolation, process attributes, cancellation, and that nothing is left behind.
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isKilnError, ErrorCode } from '@kiln/errors';
import { busyboxRunner } from './support/busybox-runner.ts';

const runner = busyboxRunner('kiln-executor-test-');
const { executor, run } = runner;

test.before(() => runner.setup());
test.after.always(() => runner.teardown());

test.afterEach.always((t) => {
  const left = runner.leftovers();
  t.deepEqual(left.mounts, [], 'no mounts remain');
  t.deepEqual(left.bundles, [], 'no bundles remain');
  t.is(left.containers, '', 'no containers remain');
});

test.serial('the runtime is chosen by probe and says why', (t) => {
  const runtime = executor.runtime;
  t.true(['crun', 'runc'].includes(runtime.name));
  t.regex(runtime.reason, process.env.KILN_RUNTIME ? /KILN_RUNTIME/ : /probe/);
});

test.serial('the command is PID 1 and sees its own hostname', async (t) => {
  const r = await run({ args: ['sh', '-c', 'echo pid=$$; hostname'] });
  t.is(r.exitCode, 0, r.stderr);
  t.is(r.stdout, `pid=1\nbuildkitsandbox\n`);
  const named = await run({ args: ['hostname'], hostname: 'kiln-test' });
  t.is(named.stdout.trim(), 'kiln-test');
  t.not(os.hostname(), 'kiln-test');
});

test.serial('network none has only loopback, and it is up', async (t) => {
  const r = await run({ args: ['sh', '-c', 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "; cat /sys/class/net/lo/operstate'] });
  t.is(r.exitCode, 0, r.stderr);
  const [ifaces, state] = [r.stdout.trim().split('\n').slice(0, -1), r.stdout.trim().split('\n').at(-1)];
  t.deepEqual(ifaces, ['lo']);
  t.regex(state ?? '', /^(unknown|up)$/);
});

test.serial('network host shares the host interfaces', async (t) => {
  const hostIfaces = fs.readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2).filter(Boolean).length;
  const r = await run({ args: ['sh', '-c', 'tail -n +3 /proc/net/dev | wc -l'], network: 'host' });
  t.is(r.exitCode, 0, r.stderr);
  t.is(Number(r.stdout.trim()), hostIfaces);
});

test.serial("the host's files are invisible", async (t) => {
  const canary = path.join('/tmp', `kiln-canary-${process.pid}`);
  fs.writeFileSync(canary, 'host secret');
  try {
    const r = await run({ args: ['sh', '-c', `test -e ${canary} && echo visible || echo hidden; ls /work 2>&1 | head -1`] });
    t.is(r.stdout.split('\n')[0], 'hidden');
    t.notRegex(r.stdout, /main/);
  } finally {
    fs.rmSync(canary);
  }
});

test.serial('env, PATH and HOME defaults, user by name and number, and cwd are applied', async (t) => {
  const r = await run({ args: ['sh', '-c', 'echo "$FOO|$PATH|$HOME|$(id -u):$(id -g)|$(pwd)"'], process: { args: [], env: ['FOO=bar baz'], cwd: '/made/here', user: 'user' } });
  t.is(r.exitCode, 0, r.stderr);
  t.is(r.stdout.trim(), 'bar baz|/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin|/home/user|1000:1000|/made/here');
  const numeric = await run({ args: ['sh', '-c', 'echo $(id -u):$(id -g) $HOME'], process: { args: [], env: [], user: '4242:4343' } });
  t.is(numeric.stdout.trim(), '4242:4343 /');
});

test.serial('a user name that does not resolve is an error naming it', async (t) => {
  const error = await t.throwsAsync(run({ args: ['true'], process: { args: [], env: [], user: 'nosuchuser' } }));
  t.true(isKilnError(error, ErrorCode.NotFound));
  t.regex(error!.message, /nosuchuser/);
});

test.serial('exit codes come through', async (t) => {
  t.is((await run({ args: ['sh', '-c', 'exit 3'] })).exitCode, 3);
  t.is((await run({ args: ['sh', '-c', 'exit 0'] })).exitCode, 0);
  const missing = await run({ args: ['/no/such/binary'] });
  t.not(missing.exitCode, 0);
});

test.serial('changes land in the upper dir, and /etc/hosts, resolv.conf and mount targets leave no trace', async (t) => {
  const r = await run({
    args: ['sh', '-c', 'echo made > /created.txt; cat /etc/hosts | head -1; test -s /etc/resolv.conf && echo resolv'],
    mounts: [{ type: 'tmpfs', source: 'tmpfs', destination: '/scratch/deep', options: ['nosuid', 'size=1m'] }],
  });
  t.is(r.exitCode, 0, r.stderr);
  t.regex(r.stdout, /^127\.0\.0\.1\tlocalhost buildkitsandbox\nresolv\n$/);
  t.is(fs.readFileSync(path.join(r.upper, 'created.txt'), 'utf8'), 'made\n');
  const left = fs.readdirSync(r.upper, { recursive: true }).map(String).sort();
  t.deepEqual(left.filter((p) => !['created.txt', 'etc'].includes(p)), [], `upper holds only the step's own change: ${left.join(', ')}`);
  t.false(fs.existsSync(path.join(r.upper, 'etc', 'hosts')));
  t.false(fs.existsSync(path.join(r.upper, 'scratch')));
});

test.serial('a process that ignores SIGTERM is killed on cancel, and the run rejects as canceled', async (t) => {
  const controller = new AbortController();
  let started = false;
  const pending = run({
    args: ['sh', '-c', "trap '' TERM; echo ready; while true; do sleep 1; done"],
    signal: controller.signal,
    stdout: () => {
      started = true;
      controller.abort();
    },
  });
  const began = Date.now();
  const error = await t.throwsAsync(pending);
  t.true(started);
  t.true(isKilnError(error, ErrorCode.Canceled), String(error));
  t.true(Date.now() - began < 10_000);
});

test.serial('a timeout kills the run and says so', async (t) => {
  const error = await t.throwsAsync(run({ args: ['sleep', '30'], timeoutMs: 300 }));
  t.true(isKilnError(error, ErrorCode.DeadlineExceeded), String(error));
});

test.serial('Docker default capabilities: chown works, mount and raw block access do not', async (t) => {
  const r = await run({ args: ['sh', '-c', 'touch /f && chown 1:1 /f && echo chown-ok; mount -t tmpfs none /mnt 2>/dev/null && echo mount-ok || echo mount-denied; grep CapEff /proc/self/status'] });
  t.regex(r.stdout, /chown-ok\nmount-denied\nCapEff:\s+00000000a80425fb/);
});
