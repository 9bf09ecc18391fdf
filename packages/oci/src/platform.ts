import { InvalidArgumentError } from '@kiln/errors';

/**
 * A platform as the OCI image spec writes it in descriptors and configs
 * (field names are the JSON names). Values are usually normalised with
 * {@link normalizePlatform}: `arm64` has no variant for v8, `arm` always has one.
 */
export interface Platform {
  readonly architecture: string;
  readonly os: string;
  readonly 'os.version'?: string;
  readonly 'os.features'?: readonly string[];
  readonly variant?: string;
}

const knownOs = new Set([
  'aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux', 'nacl',
  'netbsd', 'openbsd', 'plan9', 'solaris', 'wasip1', 'windows', 'zos',
]);
const knownArch = new Set([
  '386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'ppc64', 'ppc64le', 'loong64', 'mips', 'mipsle',
  'mips64', 'mips64le', 'mips64p32', 'mips64p32le', 'ppc', 'riscv', 'riscv64', 's390', 's390x', 'sparc', 'sparc64',
  'wasm',
]);

/** The normalised OS name: lowercase, `macos` → `darwin` (containerd's rule). */
export function normalizeOs(os: string): string {
  const lower = os.toLowerCase();
  return lower === 'macos' ? 'darwin' : lower;
}

/**
 * Normalised architecture and variant, following containerd's `normalizeArch`:
 * `x86_64`/`x86-64` → amd64 (v1 dropped), `i386` → 386, `aarch64` → arm64 with
 * v8 dropped (so `arm64` = `arm64/v8`), `armhf` → arm/v7, `armel` → arm/v6,
 * bare `arm` → arm/v7, and bare variant numbers gain a `v`.
 */
export function normalizeArchitecture(architecture: string, variant: string | undefined): { architecture: string; variant: string | undefined } {
  const arch = architecture.toLowerCase();
  const v = variant?.toLowerCase() || undefined;
  switch (arch) {
    case 'i386':
      return { architecture: '386', variant: undefined };
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      return { architecture: 'amd64', variant: v === 'v1' ? undefined : v };
    case 'aarch64':
    case 'arm64':
      switch (v) {
        case '8':
        case 'v8':
        case 'v8.0':
          return { architecture: 'arm64', variant: undefined };
        case '9':
        case '9.0':
        case 'v9.0':
          return { architecture: 'arm64', variant: 'v9' };
        default:
          return { architecture: 'arm64', variant: v !== undefined && /^[89]\.\d+$/.test(v) ? `v${v}` : v };
      }
    case 'armhf':
      return { architecture: 'arm', variant: 'v7' };
    case 'armel':
      return { architecture: 'arm', variant: 'v6' };
    case 'arm':
      if (v === undefined || v === '7') return { architecture: 'arm', variant: 'v7' };
      return { architecture: 'arm', variant: /^[5-8]$/.test(v) ? `v${v}` : v };
    default:
      return { architecture: arch, variant: v };
  }
}

/** `platform` with OS, architecture and variant normalised; `os.version`/`os.features` kept. */
export function normalizePlatform(platform: Platform): Platform {
  const { architecture, variant } = normalizeArchitecture(platform.architecture, platform.variant);
  return withOptional({ architecture, os: normalizeOs(platform.os) }, platform['os.version'], platform['os.features'], variant);
}

function withOptional(
  base: { architecture: string; os: string },
  osVersion: string | undefined,
  osFeatures: readonly string[] | undefined,
  variant: string | undefined,
): Platform {
  return {
    ...base,
    ...(osVersion ? { 'os.version': osVersion } : {}),
    ...(osFeatures && osFeatures.length > 0 ? { 'os.features': osFeatures } : {}),
    ...(variant ? { variant } : {}),
  };
}

const specifierPart = /^[A-Za-z0-9_.-]+$/;
const osWithVersion = /^([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.-]*)\))?$/;

/**
 * Parses a platform specifier as containerd does: `os/arch[/variant]`,
 * `os(osversion)/arch`, or one part that is either an OS (the architecture then
 * comes from `host`) or an architecture (the OS then comes from `host`, else
 * `linux`). The result is normalised. This function never looks at the running
 * process: callers pass the host platform in.
 *
 * @throws InvalidArgumentError quoting `specifier` when it is empty, has more
 *   than three parts, a bad character, or a lone part that is neither a known
 *   OS nor a known architecture.
 */
export function parsePlatform(specifier: string, host?: Platform): Platform {
  const bad = (why: string): never => {
    throw new InvalidArgumentError(`invalid platform ${JSON.stringify(specifier)}: ${why}`);
  };
  if (specifier === '') bad('expected "os/arch[/variant]", got an empty string');
  const parts = specifier.split('/');
  if (parts.length > 3) bad('expected at most three parts, "os/arch/variant"');
  const first = osWithVersion.exec(parts[0]!);
  if (first === null) bad(`${JSON.stringify(parts[0])} is not a valid operating system`);
  for (const part of parts.slice(1)) if (!specifierPart.test(part)) bad(`${JSON.stringify(part)} is not a valid part`);
  const os = normalizeOs(first![1]!);
  const osVersion = first![2] || undefined;
  if (parts.length === 1) {
    if (knownOs.has(os)) {
      if (host === undefined) bad('an operating system alone needs the host architecture, and none was given');
      return normalizePlatform(withOptional({ os, architecture: host!.architecture }, osVersion, undefined, host!.variant));
    }
    const { architecture, variant } = normalizeArchitecture(parts[0]!, undefined);
    if (osVersion === undefined && knownArch.has(architecture)) {
      return withOptional({ os: host?.os ?? 'linux', architecture }, undefined, undefined, variant);
    }
    bad('unknown operating system or architecture');
  }
  const { architecture, variant } = normalizeArchitecture(parts[1]!, parts[2]);
  return withOptional({ os, architecture }, osVersion, undefined, variant);
}

/**
 * `os/arch[/variant]` (with `os(version)` when an OS version is set), the
 * inverse of {@link parsePlatform} for normalised platforms:
 * `linux/arm64`, `linux/arm/v7`.
 */
export function formatPlatform(platform: Platform): string {
  const os = platform['os.version'] ? `${platform.os}(${platform['os.version']})` : platform.os;
  return [os, platform.architecture, platform.variant].filter((p) => p !== undefined && p !== '').join('/');
}

/** Normalised platforms equal in OS, architecture, variant and (when both set) OS version. */
export function samePlatform(a: Platform, b: Platform): boolean {
  const x = normalizePlatform(a);
  const y = normalizePlatform(b);
  return x.os === y.os && x.architecture === y.architecture && x.variant === y.variant && (x['os.version'] ?? '') === (y['os.version'] ?? '');
}
