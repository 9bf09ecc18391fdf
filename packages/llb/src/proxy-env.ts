import type { ProxyEnv } from './exec-op.js';

const proxyVariables = [
  ['http_proxy', 'httpProxy'],
  ['https_proxy', 'httpsProxy'],
  ['ftp_proxy', 'ftpProxy'],
  ['no_proxy', 'noProxy'],
  ['all_proxy', 'allProxy'],
] as const;

/** The environment entries of a step's proxy settings: each set value in upper and lower case (`HTTP_PROXY=…`, `http_proxy=…`), as BuildKit gives them. */
export function proxyEnvironment(proxy: ProxyEnv | undefined): string[] {
  if (proxy === undefined) return [];
  return proxyVariables.flatMap(([name, field]) => (proxy[field] === undefined ? [] : [`${name.toUpperCase()}=${proxy[field]}`, `${name}=${proxy[field]}`]));
}
