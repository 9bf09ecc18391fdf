/**
 * @packageDocumentation
 * Runs RUN steps: one process in a fresh container of an OCI runtime (crun
 * where it works on the host, runc otherwise), on a root filesystem given as
 * mounts, with Docker's default isolation (namespaces, capabilities, seccomp,
 * masked paths), BuildKit's network modes (`none`, `sandbox` through
 * slirp4netns, `host`), and nothing left behind.
 */
export type { Executor, ExecRequest, ExecResult, ExecProcess, ExecMount, NetworkMode } from './executor.js';
export { OciExecutor, type OciExecutorOptions } from './oci-executor.js';
export { chooseRuntime, probeRuntime, type RuntimeChoice } from './runtime-choice.js';
export { buildRuntimeSpec, withDefaultEnv, defaultPath, maskedPaths, readonlyPaths, type RuntimeSpec, type RuntimeSpecInput } from './runtime-spec.js';
export { defaultSeccompProfile, goArch, type LinuxSeccomp } from './seccomp-profile.js';
export { defaultCapabilities } from './capabilities.js';
export { resolveUser, type ResolvedUser } from './user.js';
export { secureJoin } from './secure-join.js';
export { containerHosts, containerResolvConf } from './etc-files.js';
export { recordMountStubs, type MountStubs } from './mount-stubs.js';
export { openSandboxNetwork, sandboxAddresses, type SandboxNetwork, type SandboxNetworkOptions } from './sandbox-network.js';
export { sweepStaleRuns } from './sweep-stale-runs.js';
