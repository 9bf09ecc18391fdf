// Network mode `sandbox` (BuildKit's default for RUN) against a real runtime
// and slirp4netns: a namespace of the step's own, the host's loopback out of
// reach, its other addresses and the internet in reach, one namespace per run,
// and no process, interface, route or rule left on the host.
import test from 'ava';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { isKilnError, ErrorCode } from '@kiln/errors';
import { OciExecutor } from '@kiln/executor';
import { busyboxRunner } from './support/busybox-runner.ts';

const runner = busyboxRunner('kiln-executor-sandbox-test-');
const { run } = runner;

test.before(() => runner.setup());
test.after.always(() => runner.teardown());

/** Live (not zombie) children of `pid`, as `pid (comm)`, read from /proc. */
function liveChildren(pid: number): string[] {
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      // Fields after the parenthesised command name: state, ppid, …
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(ppid) === pid && state !== 'Z' ? [stat.slice(0, stat.lastIndexOf(')') + 1)] : [];
    } catch {
      return []; // exited while we looked
    }
  });
}

/** Host network state the sandbox might leak: interfaces, routes and NAT rules that name slirp's 10.0.2.0/24 or a tap. */
function hostNetworkTraces(): string[] {
  const links = execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' }).split('\n').filter((l) => /^\d+: tap/.test(l));
  const addresses = execFileSync('ip', ['-o', '-4', 'addr'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes('10.0.2.'));
  const routes = execFileSync('ip', ['route'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes('10.0.2.'));
  const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('kiln'));
  const iptables = spawnSync('iptables', ['-w', '-t', 'nat', '-S'], { encoding: 'utf8' });
  const rules = iptables.status === 0 ? iptables.stdout.split('\n').filter((l) => l.includes('10.0.2.')) : [];
  return [...links, ...addresses, ...routes, ...netns, ...rules];
}

test.afterEach.always((t) => {
  const left = runner.leftovers();
  t.deepEqual(left.mounts, [], 'no mounts remain');
  t.deepEqual(left.bundles, [], 'no bundles remain');
  t.is(left.containers, '', 'no containers remain');
  t.deepEqual(liveChildren(process.pid), [], 'no slirp4netns or namespace holder remains');
  t.deepEqual(hostNetworkTraces(), [], 'no interface, address, route, namespace or NAT rule remains on the host');
});

/** A TCP server on `host` that records what each connection sent. */
async function recordingServer(host: string): Promise<{ port: number; received: string[]; close: () => Promise<void> }> {
  const received: string[] = [];
  const server = net.createServer((socket) => {
    let data = '';
    socket.on('data', (c) => (data += c.toString()));
    socket.on('end', () => {
      received.push(data);
      socket.end('pong\n');
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { port, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The host's first non-loopback IPv4 address. */
function hostAddress(): string | undefined {
  return Object.values(os.networkInterfaces()).flat().find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;
}

test.serial('sandbox has interfaces of its own: lo, up, and eth0 at slirp\'s address, none of the host\'s', async (t) => {
  const hostOwn = fs.readlinkSync('/proc/self/ns/net');
  const r = await run({
    network: 'sandbox',
    args: ['sh', '-c', 'readlink /proc/self/ns/net; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sort | tr "\\n" " "; echo; cat /sys/class/net/lo/operstate; ip -o -4 addr show'],
  });
  t.is(r.exitCode, 0, r.stderr);
  const [ns, ifaces, loState, ...addresses] = r.stdout.trim().split('\n');
  t.not(ns, hostOwn, 'a network namespace of its own');
  t.is(ifaces?.trim(), 'eth0 lo');
  t.regex(loState ?? '', /^(unknown|up)$/);
  const addrs = addresses.join('\n');
  t.regex(addrs, /lo\s+inet 127\.0\.0\.1\/8/);
  t.regex(addrs, /eth0\s+inet 10\.0\.2\.100\/24/);
  const host = hostAddress();
  if (host !== undefined) t.false(addrs.includes(host), `the host's address ${host} is not the sandbox's`);
});

test.serial("sandbox cannot reach a server on the host's loopback, directly or through the gateway", async (t) => {
  const server = await recordingServer('127.0.0.1');
  try {
    const r = await run({
      network: 'sandbox',
      args: ['sh', '-c', `for a in 127.0.0.1 10.0.2.2; do echo ping | nc -w 3 $a ${server.port} && echo "$a reached" || echo "$a refused"; done`],
    });
    t.is(r.stdout, '127.0.0.1 refused\n10.0.2.2 refused\n', r.stderr);
    t.deepEqual(server.received, [], 'nothing arrived on the host');
  } finally {
    await server.close();
  }
});

test.serial("sandbox reaches a server on the host's non-loopback address, as through BuildKit's CNI gateway", async (t) => {
  const host = hostAddress();
  if (host === undefined) return t.pass('the host has no non-loopback IPv4 address to try');
  const server = await recordingServer(host);
  try {
    const r = await run({ network: 'sandbox', args: ['sh', '-c', `echo from-sandbox | nc -w 5 ${host} ${server.port}`] });
    t.is(r.exitCode, 0, r.stderr);
    t.is(r.stdout, 'pong\n');
    t.deepEqual(server.received, ['from-sandbox\n']);
  } finally {
    await server.close();
  }
});

test.serial('sandbox resolv.conf names no loopback server', async (t) => {
  const r = await run({ network: 'sandbox', args: ['cat', '/etc/resolv.conf'] });
  t.is(r.exitCode, 0, r.stderr);
  const servers = r.stdout.split('\n').flatMap((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1] ?? []);
  t.true(servers.length > 0, r.stdout);
  t.false(servers.some((s) => s.startsWith('127.') || s.includes(':')), r.stdout);
});

test.serial('concurrent sandbox runs each get a namespace of their own, and both reach the host', async (t) => {
  const host = hostAddress() ?? '127.0.0.1';
  const server = await recordingServer(host);
  try {
    const script = (n: number): string => `readlink /proc/self/ns/net; echo run-${n} | nc -w 5 ${host} ${server.port} >/dev/null || echo unreachable`;
    const [a, b] = await Promise.all([1, 2].map((n) => run({ network: 'sandbox', args: ['sh', '-c', script(n)] })));
    t.not(a!.stdout.trim(), '');
    t.not(a!.stdout, b!.stdout, 'two namespaces');
    if (hostAddress() !== undefined) t.deepEqual(server.received.sort(), ['run-1\n', 'run-2\n']);
  } finally {
    await server.close();
  }
});

test.serial('a cancelled sandbox run stops its network helpers too', async (t) => {
  const controller = new AbortController();
  const error = await t.throwsAsync(run({
    network: 'sandbox',
    args: ['sh', '-c', 'echo ready; sleep 30'],
    signal: controller.signal,
    stdout: () => controller.abort(),
  }));
  t.true(isKilnError(error, ErrorCode.Canceled), String(error));
});

test.serial('the network helpers exit when the process that opened them is killed', async (t) => {
  const script = `
    import { openSandboxNetwork } from '@kiln/executor';
    await openSandboxNetwork();
    console.log('open');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the opener exited with ${code}`)));
  });
  const helpers = liveChildren(child.pid!).map((p) => Number.parseInt(p, 10));
  t.is(helpers.length, 2, `slirp4netns and the namespace holder: ${liveChildren(child.pid!).join(', ')}`);
  child.kill('SIGKILL');
  const deadline = Date.now() + 5_000;
  const alive = (): number[] => helpers.filter((pid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  });
  while (alive().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  t.deepEqual(alive(), [], 'both helpers exited');
});

test.serial('sandbox without slirp4netns fails before the run, naming the package', async (t) => {
  const executor = new OciExecutor({ stateDir: runner.stateDir, slirp4netns: '/nonexistent/slirp4netns' });
  const error = await t.throwsAsync(executor.run({ rootfs: [], network: 'sandbox', process: { args: ['true'], env: [] } }));
  t.true(isKilnError(error, ErrorCode.FailedPrecondition), String(error));
  t.regex(error!.message, /slirp4netns/);
});

/** Debian's mirror from the host's apt sources, e.g. `http://deb.debian.org/debian`. */
function debianMirror(): string | undefined {
  const files = ['/etc/apt/sources.list', ...(fs.existsSync('/etc/apt/sources.list.d') ? fs.readdirSync('/etc/apt/sources.list.d').map((f) => `/etc/apt/sources.list.d/${f}`) : [])];
  for (const file of files.filter((f) => /\.(list|sources)$/.test(f) && fs.existsSync(f))) {
    const m = /(?:^URIs:\s*|^deb\s+(?:\[[^\]]*\]\s+)?)(http:\/\/\S+\/debian)\/?\s*$/m.exec(fs.readFileSync(file, 'utf8'));
    if (m !== null) return m[1];
  }
  return undefined;
}

/**
 * Whether this machine reaches `url` at all (no point blaming the sandbox
 * otherwise). Synchronous, because ava wants every test declared at load time.
 */
function reachable(url: string): boolean {
  const probe = `fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(5000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;
  return spawnSync(process.execPath, ['-e', probe], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

const mirror = debianMirror();
const release = mirror === undefined ? undefined : `${mirror}/dists/bookworm/Release`;
if (release === undefined || !reachable(release)) {
  test.skip(`sandbox resolves and reaches Debian's mirror (skipped: ${release === undefined ? 'no http Debian mirror in the apt sources' : `${release} is unreachable from the host`})`, () => undefined);
} else {
  test.serial(`sandbox resolves and reaches Debian's mirror (${release})`, async (t) => {
    const r = await run({ network: 'sandbox', args: ['sh', '-c', `wget -q -O- ${release} | head -1`] });
    t.is(r.exitCode, 0, r.stderr);
    t.is(r.stdout.trim(), 'Origin: Debian');
  });
}
