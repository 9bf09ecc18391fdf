import { InvalidArgumentError } from '@kiln/errors';
import { defaultCapabilities } from './capabilities.js';
import type { ExecMount, NetworkMode } from './executor.js';
import { defaultSeccompProfile, type LinuxSeccomp } from './seccomp-profile.js';
import type { ResolvedUser } from './user.js';

/** The subset of the OCI runtime spec (config.json) kiln writes. */
export interface RuntimeSpec {
  readonly ociVersion: string;
  readonly process: {
    readonly terminal: boolean;
    readonly user: { readonly uid: number; readonly gid: number; readonly additionalGids?: readonly number[] };
    readonly args: readonly string[];
    readonly env: readonly string[];
    readonly cwd: string;
    readonly capabilities: Readonly<Record<'bounding' | 'effective' | 'permitted', readonly string[]>>;
    readonly rlimits: readonly { readonly type: string; readonly hard: number; readonly soft: number }[];
    readonly noNewPrivileges: boolean;
  };
  readonly root: { readonly path: string; readonly readonly: boolean };
  readonly hostname: string;
  readonly mounts: readonly ExecMount[];
  readonly linux: {
    readonly namespaces: readonly { readonly type: string; readonly path?: string }[];
    readonly maskedPaths: readonly string[];
    readonly readonlyPaths: readonly string[];
    readonly resources: { readonly devices: readonly { readonly allow: boolean; readonly access: string }[] };
    readonly seccomp?: LinuxSeccomp;
  };
}

/** What the spec is made from. */
export interface RuntimeSpecInput {
  readonly rootfsPath: string;
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly cwd: string;
  readonly user: ResolvedUser;
  readonly network: NetworkMode;
  /**
   * The network namespace to join, as a path (e.g. `/proc/<pid>/ns/net`);
   * required for `sandbox`, which the executor prepares before the run, and
   * not allowed otherwise.
   */
  readonly networkNamespacePath?: string;
  readonly hostname: string;
  /** Mounts after the standard ones, already including /etc/hosts and /etc/resolv.conf. */
  readonly mounts: readonly ExecMount[];
  readonly noNewPrivileges: boolean;
  /** GOARCH of the host, for the seccomp architectures. */
  readonly arch: string;
  /** Leave seccomp out (for runtimes or kernels without it). */
  readonly seccomp: boolean;
}

/** Docker's masked paths: hidden from the container. */
export const maskedPaths: readonly string[] = [
  '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];

/** Docker's read-only paths. */
export const readonlyPaths: readonly string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** The default PATH BuildKit gives a step whose environment has none. */
export const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** /proc, /dev, /sys and friends, as containerd's default spec mounts them. */
function standardMounts(network: NetworkMode): ExecMount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    // sysfs can only be mounted fresh in a network namespace of the container's own; with the host's network, bind the host's read-only.
    network === 'host'
      ? { destination: '/sys', type: 'bind', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] }
      : { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
  ];
}

/** `env` with BuildKit's PATH default added when missing and HOME from the user when missing. */
export function withDefaultEnv(env: readonly string[], home: string): string[] {
  const out = [...env];
  if (!out.some((e) => e.startsWith('PATH='))) out.unshift(`PATH=${defaultPath}`);
  if (!out.some((e) => e.startsWith('HOME='))) out.push(`HOME=${home}`);
  return out;
}

/**
 * The OCI runtime spec for one RUN step: pid, ipc, uts and mount namespaces
 * (and network: a new one for `none`, the prepared one at
 * `networkNamespacePath` for `sandbox`, the host's for `host`), Docker's
 * default capabilities, seccomp profile, masked and read-only paths, and no
 * device access beyond the runtime's defaults. Pure: the same input gives the
 * same spec. Throws InvalidArgumentError when `networkNamespacePath` is
 * missing for `sandbox` or given for another mode.
 */
export function buildRuntimeSpec(input: RuntimeSpecInput): RuntimeSpec {
  const caps = [...defaultCapabilities];
  const namespaces: { type: string; path?: string }[] = [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }];
  if ((input.network === 'sandbox') !== (input.networkNamespacePath !== undefined)) {
    throw new InvalidArgumentError(`a network namespace path goes with network mode "sandbox" only; got mode "${input.network}" and path ${JSON.stringify(input.networkNamespacePath ?? null)}`);
  }
  if (input.network === 'none') namespaces.push({ type: 'network' });
  if (input.network === 'sandbox') namespaces.push({ type: 'network', path: input.networkNamespacePath! });
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: {
        uid: input.user.uid,
        gid: input.user.gid,
        ...(input.user.additionalGids.length > 0 ? { additionalGids: input.user.additionalGids } : {}),
      },
      args: input.args,
      env: withDefaultEnv(input.env, input.user.home),
      cwd: input.cwd,
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      // containerd's default; a higher hard limit than the caller's own cannot be set.
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: input.noNewPrivileges,
    },
    root: { path: input.rootfsPath, readonly: false },
    hostname: input.hostname,
    mounts: [...standardMounts(input.network), ...input.mounts],
    linux: {
      namespaces,
      maskedPaths,
      readonlyPaths,
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      ...(input.seccomp ? { seccomp: defaultSeccompProfile(caps, input.arch) } : {}),
    },
  };
}
