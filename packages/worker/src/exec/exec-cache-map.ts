import { digestOf, type ExecOp, type ExecMount } from '@kiln/llb';
import type { Platform } from '@kiln/oci';
import type { CacheDep, CacheMap } from '@kiln/solver';

/**
 * The exec op's part of its cache key, as BuildKit's exec op computes it.
 * The digest covers meta (argv, env, cwd, user, network, security, hosts,
 * valid exit codes), every mount's definition and the secret env names, and
 * the platform; secret values never enter it (they are not in the op), and
 * neither does the content of cache mounts (persistent by design).
 *
 * Inputs mounted read-only away from `/` (RUN --mount=type=bind) are keyed by
 * the content of the paths they expose, so an unrelated change in the context
 * or stage they come from does not rerun the step; every other input (the
 * root filesystem, read-write mounts) by its cache key.
 *
 * Parts, for explaining misses: `command` (the argv as JSON), `env NAME`
 * (a digest of the value), `user`, `cwd`, `network`, and `mount <dest>` (a
 * digest of that mount's definition).
 */
export function execCacheMap(op: ExecOp, inputCount: number, platform: Platform | undefined): CacheMap {
  // Proxy settings reach the step's environment but not its key, as in BuildKit: a build behind a proxy reuses one without.
  const { proxyEnv: _proxy, ...meta } = op.meta;
  const digest = digestOf({ kind: 'exec', meta, mounts: op.mounts, secretEnv: op.secretEnv, platform: platform ?? null });
  const parts: Record<string, string> = {
    command: JSON.stringify(op.meta.args),
    user: op.meta.user,
    cwd: op.meta.cwd,
    network: op.meta.network,
  };
  for (const entry of op.meta.env) {
    const eq = entry.indexOf('=');
    const name = eq === -1 ? entry : entry.slice(0, eq);
    parts[`env ${name}`] = digestOf(eq === -1 ? null : entry.slice(eq + 1));
  }
  for (const m of op.mounts) {
    if (m.dest !== '/') parts[`mount ${m.dest}`] = digestOf(m);
  }
  return { digest, deps: execDeps(op.mounts, inputCount), parts };
}

function execDeps(mounts: readonly ExecMount[], inputCount: number): CacheDep[] {
  const deps = Array.from({ length: inputCount }, () => ({ byKey: false, used: false, wholeTree: false, selectors: new Set<string>() }));
  for (const m of mounts) {
    if (m.input < 0) continue;
    const dep = deps[m.input]!;
    dep.used = true;
    if (!m.readonly || m.dest === '/' || m.type !== 'bind') dep.byKey = true;
    if (m.selector === undefined || m.selector === '' || m.selector === '/') dep.wholeTree = true;
    else dep.selectors.add(m.selector.replace(/^\/+/, ''));
  }
  return deps.map((d) => ({
    contentBased: d.used && !d.byKey,
    selectors: d.byKey || d.wholeTree ? [] : [...d.selectors].sort(),
  }));
}
