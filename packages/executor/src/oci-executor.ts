import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CanceledError, DeadlineExceededError } from '@kiln/errors';
import { mountAll, unmountRecursive } from '@kiln/sys';
import { containerHosts, containerResolvConf } from './etc-files.js';
import type { ExecMount, ExecRequest, ExecResult, Executor } from './executor.js';
import { recordMountStubs } from './mount-stubs.js';
import { ownerFile, processIdentity, type RunOwner } from './run-owner.js';
import { startRunReaper } from './run-reaper.js';
import { sweepStaleRuns } from './sweep-stale-runs.js';
import { chooseRuntime, type RuntimeChoice } from './runtime-choice.js';
import { buildRuntimeSpec } from './runtime-spec.js';
import { openSandboxNetwork, type SandboxNetwork } from './sandbox-network.js';
import { goArch } from './seccomp-profile.js';
import { secureJoin } from './secure-join.js';
import { resolveUser } from './user.js';

/** Options of an {@link OciExecutor}. */
export interface OciExecutorOptions {
  /** A directory for bundles and the runtime's state, e.g. `KILN_ROOT/executor`. Created when missing. */
  readonly stateDir: string;
  /** The runtime to use; chosen by probe (cached under `stateDir`) when absent. */
  readonly runtime?: RuntimeChoice;
  /** Leave out the seccomp profile (for kernels or runtimes without seccomp). */
  readonly seccomp?: boolean;
  /** The slirp4netns binary for network mode `sandbox`; looked up on PATH when absent. */
  readonly slirp4netns?: string;
}

/**
 * Runs each process in a new container of an OCI runtime (crun or runc).
 * A run: mount the rootfs mounts in a fresh bundle, resolve the user, create
 * the working directory, write /etc/hosts and /etc/resolv.conf and bind them
 * in, write config.json, `runtime run`, stream stdout and stderr, and then —
 * on success, failure or cancellation alike — delete the container, remove the
 * mount targets the runtime had to create, unmount and remove the bundle.
 */
export class OciExecutor implements Executor {
  readonly #stateDir: string;
  readonly #seccomp: boolean;
  readonly #slirp4netns: string | undefined;
  #runtime: RuntimeChoice | undefined;
  #swept = false;

  constructor(options: OciExecutorOptions) {
    this.#stateDir = options.stateDir;
    this.#runtime = options.runtime;
    this.#seccomp = options.seccomp ?? true;
    this.#slirp4netns = options.slirp4netns;
  }

  /** The runtime this executor drives (probing on first use). */
  get runtime(): RuntimeChoice {
    this.#runtime ??= chooseRuntime({ cacheFile: path.join(this.#stateDir, 'runtime-probe.json') });
    return this.#runtime;
  }

  async run(request: ExecRequest): Promise<ExecResult> {
    request.signal?.throwIfAborted();
    const runtime = this.runtime;
    fs.mkdirSync(this.#stateDir, { recursive: true });
    if (!this.#swept) {
      // Once per executor: what a killed kiln process left behind (containers, mounts, bundles) goes first.
      this.#swept = true;
      sweepStaleRuns(this.#stateDir);
    }
    const id = `kiln-${randomBytes(8).toString('hex')}`;
    const bundle = fs.mkdtempSync(path.join(this.#stateDir, 'run-'));
    const stateRoot = path.join(this.#stateDir, runtime.name);
    const owner: RunOwner = { owner: processIdentity() ?? `${process.pid}.0`, id, stateRoot, command: runtime.command };
    fs.writeFileSync(path.join(bundle, ownerFile), JSON.stringify(owner));
    const reaper = startRunReaper(runtime.command, stateRoot, id, bundle);
    const rootfs = path.join(bundle, 'rootfs');
    fs.mkdirSync(rootfs);
    let mounted = false;
    let stubs: ReturnType<typeof recordMountStubs> | undefined;
    let sandbox: SandboxNetwork | undefined;
    try {
      mountAll(request.rootfs, rootfs);
      mounted = true;
      const network = request.network ?? 'none';
      const hostname = request.hostname ?? 'buildkitsandbox';
      const user = resolveUser(rootfs, request.process.user);
      const cwd = request.process.cwd ?? '/';
      fs.mkdirSync(secureJoin(rootfs, cwd), { recursive: true, mode: 0o755 });

      const hostsFile = path.join(bundle, 'hosts');
      const resolvFile = path.join(bundle, 'resolv.conf');
      fs.writeFileSync(hostsFile, containerHosts(hostname, request.extraHosts));
      fs.writeFileSync(resolvFile, containerResolvConf(readHostResolvConf(), network));
      const mounts: ExecMount[] = [
        { type: 'bind', source: hostsFile, destination: '/etc/hosts', options: ['rbind', 'rprivate'] },
        { type: 'bind', source: resolvFile, destination: '/etc/resolv.conf', options: ['rbind', 'rprivate'] },
        ...(request.mounts ?? []),
      ];
      if (network === 'sandbox') {
        sandbox = await openSandboxNetwork(this.#slirp4netns === undefined ? {} : { slirp4netns: this.#slirp4netns });
        request.signal?.throwIfAborted();
      }
      const spec = buildRuntimeSpec({
        rootfsPath: rootfs,
        args: request.process.args,
        env: request.process.env,
        cwd,
        user,
        network,
        ...(sandbox === undefined ? {} : { networkNamespacePath: sandbox.namespacePath }),
        hostname,
        mounts,
        noNewPrivileges: request.noNewPrivileges ?? false,
        arch: goArch(process.arch),
        seccomp: this.#seccomp,
      });
      stubs = recordMountStubs(rootfs, spec.mounts.map((m) => m.destination));
      fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));
      return await this.#runContainer(runtime, stateRoot, bundle, id, request);
    } finally {
      // `run` in the foreground deletes its container when it returns; state left behind means it did not get that far.
      if (fs.existsSync(path.join(stateRoot, id))) {
        const [file, ...prefix] = runtime.command;
        spawnSync(file!, [...prefix, '--root', stateRoot, 'delete', '--force', id], { stdio: 'ignore' });
      }
      // The kernel takes tens of milliseconds to tear a namespace down: let it overlap the file clean-up.
      const networkClosed = sandbox?.close();
      stubs?.cleanup();
      if (mounted) unmountRecursive(rootfs);
      fs.rmSync(bundle, { recursive: true, force: true });
      reaper.disarm();
      await networkClosed;
    }
  }

  /** `runtime run` in the foreground, killed through the runtime on abort or timeout. */
  async #runContainer(runtime: RuntimeChoice, stateRoot: string, bundle: string, id: string, request: ExecRequest): Promise<ExecResult> {
    const [file, ...prefix] = runtime.command;
    const child = spawn(file!, [...prefix, '--root', stateRoot, 'run', '--bundle', bundle, id], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => request.stdout?.(chunk));
    child.stderr.on('data', (chunk: Buffer) => request.stderr?.(chunk));
    let stopReason: 'canceled' | 'timeout' | undefined;
    let killer: NodeJS.Timeout | undefined;
    const stop = (reason: 'canceled' | 'timeout'): void => {
      if (stopReason !== undefined) return;
      stopReason = reason;
      // The container may not exist yet when the stop comes early: keep asking until `run` returns.
      const kill = (): void => {
        spawn(file!, [...prefix, '--root', stateRoot, 'kill', id, 'KILL'], { stdio: 'ignore' }).on('error', () => undefined);
      };
      kill();
      killer = setInterval(kill, 100);
    };
    const onAbort = (): void => stop('canceled');
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = request.timeoutMs === undefined ? undefined : setTimeout(() => stop('timeout'), request.timeoutMs);
    try {
      const exitCode = await new Promise<number>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : signalNumber(signal))));
      });
      if (stopReason === 'canceled') throw new CanceledError('run canceled; the container was killed', { cause: request.signal?.reason });
      if (stopReason === 'timeout') throw new DeadlineExceededError(`run took longer than ${request.timeoutMs} ms and was killed`);
      return { exitCode };
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      if (timer !== undefined) clearTimeout(timer);
      if (killer !== undefined) clearInterval(killer);
    }
  }
}

function readHostResolvConf(): string {
  try {
    return fs.readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return '';
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 } as Partial<Record<NodeJS.Signals, number>>)[signal] ?? 0;
}
