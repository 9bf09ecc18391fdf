import { normalizePlatform, type Platform } from '@kiln/oci';

const archByNode: Readonly<Record<string, string>> = {
  x64: 'amd64',
  ia32: '386',
  arm64: 'arm64',
  arm: 'arm',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  mips: 'mips',
  mipsel: 'mipsle',
};

/**
 * The platform of the running process in OCI spelling (`linux/amd64`,
 * `linux/arm/v7`), normalised; what a pull selects when no platform is asked for.
 */
export function hostPlatform(): Platform {
  const architecture = archByNode[process.arch] ?? process.arch;
  const armVersion = (process.config.variables as { arm_version?: string }).arm_version;
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  return normalizePlatform({ os, architecture, ...(architecture === 'arm' && armVersion !== undefined ? { variant: `v${armVersion}` } : {}) });
}
