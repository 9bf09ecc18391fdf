import type { NetworkMode } from './executor.js';

/** The fallback name servers BuildKit and Docker use when the host has only local ones. */
const fallbackNameservers = ['8.8.8.8', '8.8.4.4'];

/**
 * The container's /etc/resolv.conf from the host's: with the host network it
 * is the host's as is; otherwise name servers on loopback (127.0.0.0/8, ::1),
 * which the container cannot reach, are dropped, and Google's public servers
 * are used when none is left, as Docker and BuildKit do.
 */
export function containerResolvConf(hostResolvConf: string, network: NetworkMode): string {
  if (network === 'host') return hostResolvConf;
  const kept = hostResolvConf.split('\n').filter((l) => {
    const m = /^\s*nameserver\s+(\S+)/.exec(l);
    return m === null || !(m[1]!.startsWith('127.') || m[1] === '::1');
  });
  while (kept.length > 0 && kept.at(-1)!.trim() === '') kept.pop();
  if (!kept.some((l) => /^\s*nameserver\s/.test(l))) kept.push(...fallbackNameservers.map((n) => `nameserver ${n}`));
  return `${kept.join('\n')}\n`;
}

/** The container's /etc/hosts: localhost names, the build host name, and `extraHosts` lines. */
export function containerHosts(hostname: string, extraHosts: readonly string[] = []): string {
  return [
    `127.0.0.1\tlocalhost ${hostname}`,
    '::1\tlocalhost ip6-localhost ip6-loopback',
    ...extraHosts,
    '',
  ].join('\n');
}
