import { defaultSeccompRules, type SeccompRule } from './seccomp-rules.js';

/** The `linux.seccomp` object of an OCI runtime spec. */
export interface LinuxSeccomp {
  readonly defaultAction: string;
  readonly defaultErrnoRet?: number;
  readonly architectures: readonly string[];
  readonly syscalls: readonly {
    readonly names: readonly string[];
    readonly action: string;
    readonly errnoRet?: number;
    readonly args?: SeccompRule['args'];
  }[];
}

/** seccomp architecture names for a Go GOARCH, native first, then the compat ones the kernel also runs. */
const seccompArches: Readonly<Record<string, readonly string[]>> = {
  amd64: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
  arm64: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'],
  s390x: ['SCMP_ARCH_S390X', 'SCMP_ARCH_S390'],
  riscv64: ['SCMP_ARCH_RISCV64'],
  ppc64le: ['SCMP_ARCH_PPC64LE'],
};

/**
 * Docker's default seccomp profile resolved for one container: the rules
 * whose capability and architecture conditions hold for `capabilities` and
 * `arch` (a GOARCH name such as `amd64`), in the OCI runtime spec's shape.
 */
export function defaultSeccompProfile(capabilities: readonly string[], arch: string): LinuxSeccomp {
  const caps = new Set(capabilities);
  const holds = (rule: SeccompRule): boolean =>
    (rule.caps === undefined || rule.caps.some((c) => caps.has(c))) &&
    (rule.arches === undefined || rule.arches.includes(arch)) &&
    !(rule.notCaps ?? []).some((c) => caps.has(c)) &&
    !(rule.notArches ?? []).includes(arch);
  return {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 1,
    architectures: seccompArches[arch] ?? [],
    syscalls: defaultSeccompRules.filter(holds).map((r) => ({
      names: r.names,
      action: r.action,
      ...(r.errnoRet === undefined ? {} : { errnoRet: r.errnoRet }),
      ...(r.args === undefined ? {} : { args: r.args }),
    })),
  };
}

/** Go's GOARCH name for Node's `process.arch`. */
export function goArch(nodeArch: string): string {
  return ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', s390x: 's390x', ppc64: 'ppc64le', riscv64: 'riscv64' } as Record<string, string>)[nodeArch] ?? nodeArch;
}
