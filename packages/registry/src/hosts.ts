import fs from 'node:fs/promises';
import { InvalidArgumentError } from '@kiln/errors';

/**
 * What kiln's config file says about one registry host, in the spirit of
 * buildkitd.toml's `[registry."host"]` sections.
 */
export interface RegistryHostConfig {
  /**
   * Pull-through mirrors tried in order before the host itself, for pulls only
   * (pushes always go to the host). Each is `host[:port][/path]`, optionally
   * with an `http://` or `https://` scheme; a path goes before `/v2/`.
   */
  readonly mirrors?: readonly string[];
  /** Talk plain HTTP to this host (no TLS at all). */
  readonly http?: boolean;
  /** Use TLS without verifying the certificate, and fall back to plain HTTP when the host does not speak TLS, as docker's insecure-registries do. */
  readonly insecure?: boolean;
}

/** Host (`host[:port]`; `docker.io` for Docker Hub) → its settings. */
export type RegistryHostsConfig = Readonly<Record<string, RegistryHostConfig>>;

/**
 * One place kiln can send distribution API requests for a registry name.
 * URLs are `<scheme>://<host><pathPrefix>/v2/<repository>/…`.
 */
export interface RegistryEndpoint {
  /** `host[:port]` the requests go to; credentials and tokens are looked up by it. */
  readonly host: string;
  readonly scheme: 'http' | 'https';
  /** '' or a path starting with '/' (mirrors served under a prefix). */
  readonly pathPrefix: string;
  /** Do not verify the TLS certificate. */
  readonly insecureTls: boolean;
  /** On a TLS protocol failure, retry the host over plain HTTP (docker's insecure-registry behaviour). */
  readonly httpFallback: boolean;
  /** True for a mirror: pull only, and a failure moves on to the next endpoint. */
  readonly mirror: boolean;
}

/** The registry name Docker Hub images carry after normalisation. */
export const dockerHubRegistry = 'docker.io';
/** The host Docker Hub's distribution API actually lives on. */
export const dockerHubApiHost = 'registry-1.docker.io';

/**
 * True for `localhost`, the IPv4 loopback net 127.0.0.0/8 and `::1`, with or
 * without a port: docker and containerd talk plain HTTP to these.
 */
export function isLoopbackHost(host: string): boolean {
  const name = hostName(host).toLowerCase();
  if (name === 'localhost' || name === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** The name part of `host[:port]`, without port and IPv6 brackets. */
function hostName(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(1, end);
  }
  const colon = host.lastIndexOf(':');
  return colon === -1 || host.indexOf(':') !== colon ? host : host.slice(0, colon);
}

function hostEndpoint(host: string, config: RegistryHostConfig | undefined, declaredInsecure: boolean, mirror: boolean, pathPrefix = '', scheme?: 'http' | 'https'): RegistryEndpoint {
  const plain = scheme === 'http' || config?.http === true || (scheme === undefined && isLoopbackHost(host));
  const insecure = config?.insecure === true || declaredInsecure;
  return {
    host,
    scheme: plain ? 'http' : 'https',
    pathPrefix,
    insecureTls: !plain && insecure,
    httpFallback: !plain && insecure && scheme === undefined,
    mirror,
  };
}

/**
 * The endpoints to try for `registry`, in order. Pulls (`purpose` 'pull') go
 * to the mirrors configured for the registry first, then the registry itself;
 * pushes go to the registry only. Docker Hub (`docker.io`) is reached at
 * `registry-1.docker.io`, but its credentials stay under `docker.io`.
 *
 * @throws InvalidArgumentError quoting a malformed mirror.
 */
export function registryEndpoints(
  registry: string,
  purpose: 'pull' | 'push',
  hosts: RegistryHostsConfig = {},
  insecureRegistries: readonly string[] = [],
): RegistryEndpoint[] {
  const config = hosts[registry];
  const endpoints: RegistryEndpoint[] = [];
  if (purpose === 'pull') {
    for (const mirror of config?.mirrors ?? []) {
      const parsed = parseMirror(mirror, registry);
      endpoints.push(hostEndpoint(parsed.host, hosts[parsed.host], insecureRegistries.includes(parsed.host), true, parsed.pathPrefix, parsed.scheme));
    }
  }
  const apiHost = registry === dockerHubRegistry ? dockerHubApiHost : registry;
  endpoints.push(hostEndpoint(apiHost, config, insecureRegistries.includes(registry), false));
  return endpoints;
}

function parseMirror(mirror: string, registry: string): { host: string; pathPrefix: string; scheme?: 'http' | 'https' } {
  const match = /^(?:(https?):\/\/)?([^/\s]+)(\/[^\s]*)?$/.exec(mirror.trim());
  if (match === null) {
    throw new InvalidArgumentError(`mirror ${JSON.stringify(mirror)} of registry ${registry} is not "host[:port][/path]"`);
  }
  const pathPrefix = (match[3] ?? '').replace(/\/+$/, '').replace(/\/v2$/, '');
  return { host: match[2]!, pathPrefix, ...(match[1] === undefined ? {} : { scheme: match[1] as 'http' | 'https' }) };
}

/** The base URL of an endpoint's API: `<scheme>://<host><prefix>/v2/`. */
export function endpointBase(endpoint: RegistryEndpoint): URL {
  return new URL(`${endpoint.scheme}://${endpoint.host}${endpoint.pathPrefix}/v2/`);
}

/**
 * Validates the `registries` section of kiln's config file: an object of host
 * → `{ mirrors?: string[], http?: boolean, insecure?: boolean }`.
 *
 * @throws InvalidArgumentError naming `source` and the offending key.
 */
export function parseRegistryHostsConfig(value: unknown, source: string): RegistryHostsConfig {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`${source}: "registries" must be an object of host → settings, found ${JSON.stringify(value)}`);
  }
  const result: Record<string, RegistryHostConfig> = {};
  for (const [host, raw] of Object.entries(value as Record<string, unknown>)) {
    const where = `${source}: registries[${JSON.stringify(host)}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidArgumentError(`${where} must be an object, found ${JSON.stringify(raw)}`);
    const { mirrors, http, insecure, ...rest } = raw as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) throw new InvalidArgumentError(`${where}: unknown setting ${JSON.stringify(unknown[0])} (expected mirrors, http, insecure)`);
    if (mirrors !== undefined && (!Array.isArray(mirrors) || !mirrors.every((m) => typeof m === 'string'))) {
      throw new InvalidArgumentError(`${where}.mirrors must be a list of strings, found ${JSON.stringify(mirrors)}`);
    }
    for (const [name, flag] of [['http', http], ['insecure', insecure]] as const) {
      if (flag !== undefined && typeof flag !== 'boolean') throw new InvalidArgumentError(`${where}.${name} must be true or false, found ${JSON.stringify(flag)}`);
    }
    result[host] = {
      ...(mirrors === undefined ? {} : { mirrors: mirrors as string[] }),
      ...(http === undefined ? {} : { http: http as boolean }),
      ...(insecure === undefined ? {} : { insecure: insecure as boolean }),
    };
    for (const mirror of result[host].mirrors ?? []) parseMirror(mirror, host);
  }
  return result;
}

/**
 * Reads the `registries` section of a kiln JSON config file. A missing file
 * gives `{}`.
 *
 * @throws InvalidArgumentError naming the file when it is malformed.
 */
export async function loadRegistryHostsConfig(file: string): Promise<RegistryHostsConfig> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null) throw new InvalidArgumentError(`${file} must hold a JSON object`);
  return parseRegistryHostsConfig((parsed as { registries?: unknown }).registries, file);
}
