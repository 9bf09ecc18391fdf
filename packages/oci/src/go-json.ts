/**
 * Encodes a value as Go's encoding/json does, so kiln writes byte-for-byte the
 * manifests and configs BuildKit writes for the same content (and therefore the
 * same digests): `<`, `>`, `&`, U+2028 and U+2029 are escaped as `\u003c`…,
 * key order is the insertion order of the objects given (callers build them in
 * Go struct order, and sort map keys with {@link sortedRecord}), and `indent`
 * spaces (0 = compact) are used as `json.MarshalIndent(v, "", "  ")` would.
 */
export function goJson(value: unknown, indent = 0): string {
  return JSON.stringify(value, undefined, indent).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A copy of a string-keyed map with keys in byte order, as Go marshals maps;
 * `undefined` for an absent or empty map, so callers can omit it like
 * `omitempty` does.
 */
export function sortedRecord<T>(record: Readonly<Record<string, T>> | undefined): Record<string, T> | undefined {
  if (record === undefined) return undefined;
  const keys = Object.keys(record).sort(compareBytes);
  if (keys.length === 0) return undefined;
  const out: Record<string, T> = {};
  for (const key of keys) out[key] = record[key]!;
  return out;
}

/** Orders strings by UTF-8 bytes (Go's string order), not by UTF-16 units. */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  const ai = [...a];
  const bi = [...b];
  for (let i = 0; i < Math.min(ai.length, bi.length); i++) {
    const x = ai[i]!.codePointAt(0)!;
    const y = bi[i]!.codePointAt(0)!;
    if (x !== y) return x - y;
  }
  return ai.length - bi.length;
}

/** Drops keys whose value is `undefined`, empty string, empty array or false — Go's `omitempty`. */
export function omitEmpty<T extends Record<string, unknown>>(object: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined || value === '' || value === false) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return out as Partial<T>;
}
