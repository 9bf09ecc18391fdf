import type { EnvGetter } from './types.js';

/**
 * Builds a lookup from a `KEY=VALUE` list, as BuildKit's `EnvsFromSlice`
 * does: the key ends at the first `=`, a bare `KEY` is set to `''`, and a
 * later entry for the same key wins. Keys are compared exactly (Linux rules).
 */
export function envFromList(list: Iterable<string>): ReadonlyMap<string, string> {
  const env = new Map<string, string>();
  for (const entry of list) {
    const eq = entry.indexOf('=');
    if (eq < 0) env.set(entry, '');
    else env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return env;
}

/** Looks `name` up in either shape of {@link EnvGetter}; `undefined` means unset. */
export function lookupEnv(env: EnvGetter, name: string): string | undefined {
  return typeof env === 'function' ? env(name) : env.get(name);
}
