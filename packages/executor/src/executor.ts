import type { Mount } from '@kiln/sys';

/**
 * An extra mount inside the container, in the OCI runtime spec's terms:
 * `destination` is an absolute path inside the container. Examples:
 * `{ type: 'bind', source: '/host/dir', destination: '/src', options: ['rbind', 'ro'] }`,
 * `{ type: 'tmpfs', source: 'tmpfs', destination: '/tmp', options: ['nosuid', 'size=64m'] }`.
 */
export interface ExecMount {
  readonly type: string;
  readonly source: string;
  readonly destination: string;
  readonly options: readonly string[];
}

/** What runs: argv, environment (`KEY=value`), working directory and user. */
export interface ExecProcess {
  /** argv; `args[0]` is looked up in the container's PATH by the runtime. */
  readonly args: readonly string[];
  /** `KEY=value` entries. PATH and HOME get BuildKit's defaults when absent. */
  readonly env: readonly string[];
  /** Absolute working directory inside the container; created when missing. Default `/`. */
  readonly cwd?: string;
  /**
   * `user`, `user:group`, `uid` or `uid:gid`, as in a Dockerfile's USER. Names
   * are resolved in the container's /etc/passwd and /etc/group; numeric ids
   * work without them. Default root.
   */
  readonly user?: string;
}

/**
 * Network mode of a step, as BuildKit's: `none`, a namespace of its own with
 * only loopback; `sandbox`, a namespace of its own with loopback and outbound
 * connectivity through user-mode NAT (the internet and the host's non-loopback
 * addresses are reachable, the host's interfaces, ports and loopback are not);
 * `host`, the host's own network.
 */
export type NetworkMode = 'none' | 'sandbox' | 'host';

/** Everything one run needs. */
export interface ExecRequest {
  /** The root filesystem as mounts (from a snapshotter); the executor mounts them and unmounts them again. */
  readonly rootfs: readonly Mount[];
  /** Extra mounts, after the standard ones (/proc, /dev, /sys, /etc/hosts, /etc/resolv.conf). */
  readonly mounts?: readonly ExecMount[];
  readonly process: ExecProcess;
  /** Default `none`. */
  readonly network?: NetworkMode;
  /** Host name inside the container; default `buildkitsandbox`, as BuildKit. */
  readonly hostname?: string;
  /** Extra `/etc/hosts` lines, e.g. `10.0.0.1 db`. */
  readonly extraHosts?: readonly string[];
  /** Turn on no_new_privileges (off by default, as BuildKit, so setuid tools such as sudo work). */
  readonly noNewPrivileges?: boolean;
  /** Receives the process's standard output as it comes. */
  readonly stdout?: (chunk: Buffer) => void;
  /** Receives the process's standard error as it comes. */
  readonly stderr?: (chunk: Buffer) => void;
  /** Cancels the run: the container is killed, waited for and cleaned up, then the run rejects with a CanceledError. */
  readonly signal?: AbortSignal;
  /** Kills the run after this many milliseconds; it then rejects with a DeadlineExceededError. */
  readonly timeoutMs?: number;
}

/** How a run ended. */
export interface ExecResult {
  /** The process's exit status; 128 + signal number when a signal ended it. */
  readonly exitCode: number;
}

/**
 * Runs one process in a fresh container. Implementations write an OCI runtime
 * spec and run an OCI runtime; they clean up everything they created (mounts,
 * the container, temporary files, mount targets they had to create in the
 * rootfs), also when the run is cancelled or fails.
 */
export interface Executor {
  run(request: ExecRequest): Promise<ExecResult>;
}
