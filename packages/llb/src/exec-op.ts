/** Network of a RUN step: BuildKit's `sandbox` (default: an isolated namespace), `host`, or `none`. */
export type ExecNetwork = 'sandbox' | 'host' | 'none';

/** Security mode: `sandbox` (default capabilities) or `insecure` (all capabilities; needs an entitlement). */
export type ExecSecurity = 'sandbox' | 'insecure';

/** How a cache mount is shared between concurrent builds. */
export type CacheSharing = 'shared' | 'private' | 'locked';

/** What an exec runs: argv, environment, working directory, user. */
export interface ExecMeta {
  readonly args: readonly string[];
  /** `KEY=value` entries, in order. */
  readonly env: readonly string[];
  /** Absolute working directory; created when missing. */
  readonly cwd: string;
  /** `user[:group]` or `uid[:gid]`; empty for root. */
  readonly user: string;
  readonly hostname?: string;
  /** Extra `/etc/hosts` lines (`--add-host`), `host ip`. */
  readonly extraHosts?: readonly { readonly host: string; readonly ip: string }[];
  readonly network: ExecNetwork;
  readonly security: ExecSecurity;
  /** Exit codes that count as success; default only 0. */
  readonly validExitCodes?: readonly number[];
  /**
   * The predefined proxy build args (`HTTP_PROXY` …) given to the step: added
   * to its environment when it runs, but kept out of its cache key and the
   * image history, as BuildKit does.
   */
  readonly proxyEnv?: ProxyEnv;
}

/** Proxy settings of an exec, from the predefined proxy build args. */
export interface ProxyEnv {
  readonly httpProxy?: string;
  readonly httpsProxy?: string;
  readonly ftpProxy?: string;
  readonly noProxy?: string;
  readonly allProxy?: string;
}

/**
 * One mount of an exec. `input` and `output` are indexes: `input` into the
 * vertex's inputs (or -1 for an empty directory), `output` into the vertex's
 * outputs (or -1 when the mount's changes are thrown away). The root
 * filesystem is the mount at `/`, and is output 0 by convention.
 */
export interface ExecMount {
  readonly dest: string;
  readonly input: number;
  readonly output: number;
  readonly readonly: boolean;
  /** A path inside the input to mount instead of its root (`RUN --mount=from=x,source=/sub`). */
  readonly selector?: string;
  readonly type: 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
  /** type cache: its id (default: the target path), sharing mode, and the mode/uid/gid of a new cache directory. */
  readonly cache?: { readonly id: string; readonly sharing: CacheSharing; readonly mode?: number; readonly uid?: number; readonly gid?: number };
  /** type secret and ssh: which one, file mode and owner, and whether a missing one is an error. */
  readonly secret?: { readonly id: string; readonly mode: number; readonly uid: number; readonly gid: number; readonly optional: boolean };
  readonly ssh?: { readonly id: string; readonly mode: number; readonly uid: number; readonly gid: number; readonly optional: boolean };
  /** type tmpfs: size limit in bytes (0 = the kernel's default). */
  readonly tmpfs?: { readonly size: number };
}

/** A secret exposed as an environment variable (`RUN --mount=type=secret,env=NAME`). */
export interface SecretEnv {
  readonly id: string;
  readonly name: string;
  readonly optional: boolean;
}

/** Runs a process over mounts; each mount with an output index yields a filesystem. */
export interface ExecOp {
  readonly type: 'exec';
  readonly meta: ExecMeta;
  readonly mounts: readonly ExecMount[];
  readonly secretEnv: readonly SecretEnv[];
}
