/**
 * The environment of a build state (BuildKit's `llb.EnvList`): ordered
 * `KEY=value` pairs where setting a key moves it to the end, and the image
 * config's Env, where setting a key replaces the first entry in place.
 */

/** An ordered environment; setting a key removes any earlier entry and appends it. Immutable: every change returns a new list. */
export class EnvList {
  readonly #entries: readonly (readonly [string, string])[];

  constructor(entries: Iterable<readonly [string, string]> = []) {
    this.#entries = [...entries];
  }

  /** A list with `key` set to `value`, at the end. */
  set(key: string, value: string): EnvList {
    return new EnvList([...this.#entries.filter(([k]) => k !== key), [key, value]]);
  }

  /** A list without `key`. */
  delete(key: string): EnvList {
    return new EnvList(this.#entries.filter(([k]) => k !== key));
  }

  /** The value of `key`, or `undefined` when unset. */
  get(key: string): string | undefined {
    return this.#entries.find(([k]) => k === key)?.[1];
  }

  has(key: string): boolean {
    return this.#entries.some(([k]) => k === key);
  }

  keys(): string[] {
    return this.#entries.map(([k]) => k);
  }

  /** `KEY=value` entries, in order. */
  toArray(): string[] {
    return this.#entries.map(([k, v]) => `${k}=${v}`);
  }

  /** A map for `@kiln/shell` lookups. */
  toMap(): Map<string, string> {
    return new Map(this.#entries);
  }
}

/** Splits `KEY=value` at the first `=`; a bare `KEY` has the empty value (BuildKit's `parseKeyValue`). */
export function parseKeyValue(entry: string): [string, string] {
  const eq = entry.indexOf('=');
  return eq < 0 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
}

/**
 * BuildKit's `addEnv` for the image config: replaces the first entry whose
 * key is `key` (only the first, when there are duplicates), else appends.
 */
export function addEnv(env: readonly string[], key: string, value: string): string[] {
  const out = [...env];
  const i = out.findIndex((entry) => parseKeyValue(entry)[0] === key);
  if (i < 0) out.push(`${key}=${value}`);
  else out[i] = `${key}=${value}`;
  return out;
}
