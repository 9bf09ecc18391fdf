import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { FailedPreconditionError, InternalError, UnavailableError } from '@kiln/errors';
import { which } from './which.js';

/**
 * The addresses slirp4netns gives a namespace with its default `--cidr
 * 10.0.2.0/24`: the gateway (the host, through user-mode NAT), its DNS
 * forwarder (answers with the host's own resolvers, loopback ones included),
 * and the namespace's own address on `eth0`.
 */
export const sandboxAddresses = { gateway: '10.0.2.2', dns: '10.0.2.3', guest: '10.0.2.100' } as const;

/** The interface a sandboxed step sees, named as under BuildKit's CNI bridge. */
const interfaceName = 'eth0';

/**
 * slirp4netns's recommended MTU (rootless Docker and Podman use it): the
 * user-mode stack moves fewer, bigger frames, which is most of its throughput.
 */
const mtu = 65520;

/** A network namespace of one run's own, with outbound connectivity. */
export interface SandboxNetwork {
  /**
   * The namespace as a path (`/proc/<pid>/ns/net` of the process holding it),
   * for the runtime spec's `linux.namespaces[].path`. Valid until {@link close}.
   */
  readonly namespacePath: string;
  /**
   * Stops slirp4netns and the namespace's holder and waits until both have
   * exited; the namespace goes away with the last process in it. Idempotent,
   * never throws.
   */
  close(): Promise<void>;
}

/** Options of {@link openSandboxNetwork}. */
export interface SandboxNetworkOptions {
  /** The slirp4netns binary; looked up on PATH when absent. */
  readonly slirp4netns?: string;
  /** How long set-up may take before it fails with UnavailableError; default 10 000 ms. */
  readonly timeoutMs?: number;
}

/**
 * Makes the network BuildKit calls `sandbox`: a new network namespace with
 * `lo` up and `eth0` at 10.0.2.100/24, routed through slirp4netns (user-mode
 * TCP/IP in a host process) to whatever the host can reach. The host's
 * loopback is not reachable (`--disable-host-loopback`); its other addresses
 * are, as through the gateway of BuildKit's CNI bridge. Nothing is left in the
 * host's network state: no interface, route, iptables rule or bind-mounted
 * namespace. Both helper processes are tied to this process by pipes, so they
 * exit on {@link SandboxNetwork.close} and also when this process dies.
 *
 * Throws FailedPreconditionError when slirp4netns is not installed,
 * UnavailableError when set-up fails or times out (with slirp4netns's output),
 * InternalError if the namespace turns out to be this process's own.
 */
export async function openSandboxNetwork(options: SandboxNetworkOptions = {}): Promise<SandboxNetwork> {
  const slirpPath = which(options.slirp4netns ?? 'slirp4netns');
  if (slirpPath === undefined) {
    throw new FailedPreconditionError('network mode "sandbox" needs slirp4netns (Debian package slirp4netns), and none was found on PATH');
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const processes: ChildProcess[] = [];
  const closers: (() => void)[] = [];
  const close = async (): Promise<void> => {
    for (const c of closers.splice(0)) c();
    await Promise.all(processes.splice(0).map((p) => exited(p, 5_000)));
  };
  try {
    // The holder keeps the namespace alive until the container has joined it; it exits when its stdin closes.
    const holder = spawn('unshare', ['--net', '--', '/bin/sh', '-c', 'echo ready; read _'], { stdio: ['pipe', 'pipe', 'pipe'] });
    processes.push(holder);
    holder.on('error', () => undefined);
    closers.push(() => holder.stdin!.destroy());
    await signalled(holder, holder.stdout!, holder.stderr!, 'the network namespace holder (unshare --net)', timeoutMs);
    const namespacePath = `/proc/${holder.pid}/ns/net`;
    // Attaching slirp4netns to this process's own namespace would put its tap device on the host.
    let namespace: string;
    try {
      namespace = fs.readlinkSync(namespacePath);
    } catch (error) {
      throw new UnavailableError(`the network namespace holder exited before slirp4netns could attach to ${namespacePath}`, { cause: error });
    }
    if (namespace === fs.readlinkSync('/proc/self/ns/net')) {
      throw new InternalError(`the sandbox network namespace ${namespacePath} is the host's own`);
    }

    const slirp = spawn(slirpPath, [
      '--configure', `--mtu=${mtu}`, '--disable-host-loopback', '--enable-sandbox', '--enable-seccomp',
      '--ready-fd=3', '--exit-fd=4', '--netns-type=path', namespacePath, interfaceName,
    ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    processes.push(slirp);
    slirp.on('error', () => undefined);
    // slirp4netns exits when the other end of its exit fd closes: on close(), or when this process dies.
    closers.push(() => (slirp.stdio[4] as Writable).destroy());
    await signalled(slirp, slirp.stdio[3] as Readable, slirp.stderr!, 'slirp4netns', timeoutMs);
    slirp.stderr!.resume();
    holder.stdout!.resume();
    holder.stderr!.resume();
    return { namespacePath, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Resolves when `ready` yields its first bytes; rejects with UnavailableError
 * (quoting the process's error output) when `child` exits or fails first, or
 * after `timeoutMs`.
 */
function signalled(child: ChildProcess, ready: Readable, stderr: Readable, what: string, timeoutMs: number): Promise<void> {
  let output = '';
  const onOutput = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-2000);
  };
  stderr.on('data', onOutput);
  return new Promise<void>((resolve, reject) => {
    const done = (error?: Error): void => {
      clearTimeout(timer);
      ready.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      stderr.off('data', onOutput);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onData = (): void => done();
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => done(new UnavailableError(
      `${what} exited (${signal ?? `status ${code}`}) before the sandbox network was ready: ${output.trim() || 'no output'}`,
    ));
    const onError = (error: Error): void => done(new UnavailableError(`${what} could not be started: ${error.message}`, { cause: error }));
    const timer = setTimeout(() => done(new UnavailableError(`${what} was not ready after ${timeoutMs} ms: ${output.trim() || 'no output'}`)), timeoutMs);
    ready.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** Waits for `child` to exit, killing it after `graceMs`; resolves at once if it already has. */
function exited(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
