import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NotFoundError } from '@kiln/errors';
import { which } from './which.js';

/** An OCI runtime kiln can drive: its name, the binary, how to invoke it, and why it was chosen. */
export interface RuntimeChoice {
  /** `crun` or `runc` (or the override's file name). */
  readonly name: string;
  /** The runtime binary. */
  readonly path: string;
  /** The argv prefix that runs the runtime; the runtime's own arguments follow. Usually `[path]`. */
  readonly command: readonly string[];
  /** One line for people: why this runtime (probe result, override, cache). */
  readonly reason: string;
}

/**
 * How to run crun on a host with a hybrid cgroup layout, which crun 1.8
 * refuses: in a private mount namespace whose view of the cgroup2 `unified`
 * mount is gone, crun sees pure cgroup v1 and works (anchors.md).
 */
const privateCgroupView = (runtimePath: string): string[] => [
  'unshare', '--mount', '--propagation', 'private', '/bin/sh', '-c',
  'umount -l /sys/fs/cgroup/unified 2>/dev/null; exec "$0" "$@"', runtimePath,
];

interface Candidate {
  readonly name: string;
  readonly variant: string;
  readonly applies: () => boolean;
  readonly command: (runtimePath: string) => string[];
}

/** Runtimes in order of preference: crun starts containers two to three times faster than runc. */
const candidates: readonly Candidate[] = [
  { name: 'crun', variant: 'crun', applies: () => true, command: (p) => [p] },
  { name: 'crun', variant: 'crun without the hybrid cgroup2 mount', applies: () => fs.existsSync('/sys/fs/cgroup/unified/cgroup.controllers'), command: privateCgroupView },
  { name: 'runc', variant: 'runc', applies: () => true, command: (p) => [p] },
];

/**
 * Runs a trivial container (the host's /bin/true, with the host's /usr, /bin
 * and /lib bound read-only) to learn whether `runtime` works on this host.
 * crun 1.8, for one, refuses hosts with a hybrid cgroup layout. Returns the
 * runtime's error output when it fails, undefined when it works.
 */
export function probeRuntime(command: readonly string[]): string | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-runtime-probe-'));
  const id = `kiln-probe-${process.pid}-${Date.now()}`;
  try {
    const rootfs = path.join(dir, 'rootfs');
    const binds = ['/usr', '/bin', '/lib', '/lib64', '/sbin'].filter((p) => fs.existsSync(p));
    for (const b of ['/proc', '/dev', ...binds]) fs.mkdirSync(path.join(rootfs, b), { recursive: true });
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({
      ociVersion: '1.0.2',
      process: { terminal: false, user: { uid: 0, gid: 0 }, args: ['/bin/true'], env: ['PATH=/usr/bin:/bin'], cwd: '/' },
      root: { path: 'rootfs', readonly: true },
      mounts: [
        { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
        ...binds.map((b) => ({ destination: b, type: 'bind', source: b, options: ['rbind', 'ro'] })),
      ],
      linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'ipc' }, { type: 'uts' }] },
    }));
    const stateRoot = path.join(dir, 'state');
    const [file, ...prefix] = command;
    const r = spawnSync(file!, [...prefix, '--root', stateRoot, 'run', '--bundle', dir, id], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
    spawnSync(file!, [...prefix, '--root', stateRoot, 'delete', '--force', id], { stdio: 'ignore' });
    if (r.status === 0) return undefined;
    return (r.stderr || r.stdout || r.error?.message || `exit status ${r.status}`).trim();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What a cached probe result is valid for: the runtime binary, the kernel and the cgroup layout. */
function probeKey(runtimePath: string, variant: string): string {
  const st = fs.statSync(runtimePath);
  const cgroups = fs.existsSync('/sys/fs/cgroup/cgroup.controllers') ? 'v2' : fs.existsSync('/sys/fs/cgroup/unified') ? 'hybrid' : 'v1';
  return `${variant}|${runtimePath}|${st.size}|${st.mtimeMs}|${os.release()}|${cgroups}`;
}

/**
 * Chooses the OCI runtime: `override` (a name or path; also the KILN_RUNTIME
 * environment variable) when given, otherwise the first that is installed and
 * passes {@link probeRuntime} of: crun, crun in a private mount namespace
 * without the hybrid cgroup2 mount (where the host has one), and runc. Probe results are cached in
 * `cacheFile` per runtime binary, kernel and cgroup layout, so the probe runs
 * once per machine. Throws NotFoundError when no runtime works.
 */
export function chooseRuntime(options: { cacheFile?: string; override?: string } = {}): RuntimeChoice {
  const override = options.override ?? process.env.KILN_RUNTIME;
  if (override !== undefined && override !== '') {
    const p = which(override);
    if (p === undefined) throw new NotFoundError(`OCI runtime "${override}" not found on PATH`);
    return { name: path.basename(p), path: p, command: [p], reason: 'chosen by KILN_RUNTIME or the runtime option' };
  }
  let cache: Record<string, string | null> = {};
  if (options.cacheFile !== undefined) {
    try {
      cache = JSON.parse(fs.readFileSync(options.cacheFile, 'utf8')) as Record<string, string | null>;
    } catch {
      cache = {};
    }
  }
  const failures: string[] = [];
  for (const candidate of candidates) {
    if (!candidate.applies()) continue;
    const p = which(candidate.name);
    if (p === undefined) {
      failures.push(`${candidate.variant}: not installed`);
      continue;
    }
    const command = candidate.command(p);
    const key = probeKey(p, candidate.variant);
    const cached = key in cache;
    const failure = cached ? (cache[key] ?? undefined) : probeRuntime(command);
    if (!cached && options.cacheFile !== undefined) {
      cache[key] = failure ?? null;
      fs.mkdirSync(path.dirname(options.cacheFile), { recursive: true });
      const tmp = `${options.cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(cache, null, 2));
      fs.renameSync(tmp, options.cacheFile);
    }
    if (failure === undefined) {
      const before = failures.length > 0 ? ` (${failures.join('; ')})` : '';
      return { name: candidate.name, path: p, command, reason: `${candidate.variant} passed the probe${cached ? ' (cached)' : ''}${before}` };
    }
    failures.push(`${candidate.variant}: ${failure.split('\n')[0]}`);
  }
  throw new NotFoundError(`no working OCI runtime: ${failures.join('; ')}`);
}
