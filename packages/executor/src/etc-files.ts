import type { NetworkMode } from './executor.js';
import { sandboxAddresses } from './sandbox-network.js';

/** The fallback name servers BuildKit and Docker use when the host has only local ones. */
const fallbackNameservers = ['8.8.8.8', '8.8.4.4'];

/**
 * The container's /etc/resolv.conf from the host's: with the host network it
 * is the host's as is; otherwise name servers on loopback (127.0.0.0/8, ::1),
 * which the container cannot reach, are dropped, as Docker and BuildKit do.
 * In `sandbox` IPv6 name servers go too (its network is IPv4 only, like
 * Docker's default bridge), and when none is left the step asks slirp4netns's
 * DNS forwarder, which reaches the host's own resolvers, loopback ones
 * included. With `none`, Google's public servers fill an empty list, as
 * Docker's and BuildKit's fallback.
 */
export function containerResolvConf(hostResolvConf: string, network: NetworkMode): string {
  if (network === 'host') return hostResolvConf;
  const kept = hostResolvConf.split('\n').filter((l) => {
    const m = /^\s*nameserver\s+(\S+)/.exec(l);
    if (m === null) return true;
    const server = m[1]!;
    return !(server.startsWith('127.') || server === '::1' || (network === 'sandbox' && server.includes(':')));
  });
  while (kept.length > 0 && kept.at(-1)!.trim() === '') kept.pop();
  if (!kept.some((l) => /^\s*nameserver\s/.test(l))) {
    const fallback = network === 'sandbox' ? [sandboxAddresses.dns] : fallbackNameservers;
    kept.push(...fallback.map((n) => `nameserver ${n}`));
  }
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
