import type { ProxyEnv } from '@kiln/llb';
/**
 * Build arguments that exist without an ARG line: the platform args and
 * TARGETSTAGE (global scope, FROM lines and redeclared ARGs), and the proxy
 * args RUN sees without declaring them (BuildKit's `defaultArgs` and
 * `proxyEnvFromBuildArgs`).
 */
import { formatPlatform, type Platform } from '@kiln/oci';

/**
 * The predefined global args, in BuildKit's order: BUILDPLATFORM, BUILDOS,
 * BUILDOSVERSION, BUILDARCH, BUILDVARIANT, TARGETPLATFORM, TARGETOS,
 * TARGETOSVERSION, TARGETARCH, TARGETVARIANT, TARGETSTAGE. A `--build-arg`
 * of the same name replaces the value. `targetStage` is the target's name
 * (`default` for an unnamed target).
 */
export function predefinedArgs(
  buildPlatform: Platform,
  targetPlatform: Platform,
  targetStage: string,
  overrides: ReadonlyMap<string, string>,
): Map<string, string> {
  const pairs: [string, string][] = [
    ['BUILDPLATFORM', formatPlatform({ os: buildPlatform.os, architecture: buildPlatform.architecture, ...(buildPlatform.variant ? { variant: buildPlatform.variant } : {}) })],
    ['BUILDOS', buildPlatform.os],
    ['BUILDOSVERSION', buildPlatform['os.version'] ?? ''],
    ['BUILDARCH', buildPlatform.architecture],
    ['BUILDVARIANT', buildPlatform.variant ?? ''],
    ['TARGETPLATFORM', formatPlatform(targetPlatform)],
    ['TARGETOS', targetPlatform.os],
    ['TARGETOSVERSION', targetPlatform['os.version'] ?? ''],
    ['TARGETARCH', targetPlatform.architecture],
    ['TARGETVARIANT', targetPlatform.variant ?? ''],
    ['TARGETSTAGE', targetStage],
  ];
  return new Map(pairs.map(([k, v]) => [k, overrides.get(k) ?? v]));
}

const proxyKeys = {
  http_proxy: 'httpProxy',
  https_proxy: 'httpsProxy',
  ftp_proxy: 'ftpProxy',
  no_proxy: 'noProxy',
  all_proxy: 'allProxy',
} as const;

/**
 * The proxy env of a build: build-args named like a proxy variable in any
 * case. Keys are visited in sorted order, so when both `HTTP_PROXY` and
 * `http_proxy` are given the lower-case one (sorting after) wins. Returns
 * `undefined` when no proxy arg was given. Proxy args stay out of history
 * and out of cache keys unless a stage declares them with ARG.
 */
export function proxyEnvFromBuildArgs(buildArgs: ReadonlyMap<string, string>): ProxyEnv | undefined {
  const out: { -readonly [K in keyof ProxyEnv]: ProxyEnv[K] } = {};
  let found = false;
  for (const key of [...buildArgs.keys()].sort()) {
    const field = (proxyKeys as Record<string, keyof ProxyEnv>)[key.toLowerCase()];
    if (field === undefined || !Object.hasOwn(proxyKeys, key.toLowerCase())) continue;
    out[field] = buildArgs.get(key)!;
    found = true;
  }
  return found ? out : undefined;
}
