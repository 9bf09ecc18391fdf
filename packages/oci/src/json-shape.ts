import { InvalidArgumentError } from '@kiln/errors';

/*
 * Small checks for decoding untrusted JSON into typed values. Each takes the
 * value and a path such as `manifest.layers[2].size`, and throws
 * InvalidArgumentError naming that path and quoting what came.
 */

/** A JSON object as it comes from `JSON.parse`. */
export type JsonObject = Record<string, unknown>;

/** `JSON.stringify(value)` cut to a readable length, for error messages. */
export function quote(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Fails with what was expected at `path` and what came. */
export function fail(path: string, expected: string, value: unknown): never {
  throw new InvalidArgumentError(`${path}: expected ${expected}, got ${quote(value)}`);
}

/** Parses JSON text, failing with the first characters of the input quoted. */
export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new InvalidArgumentError(`${what}: expected JSON, got ${quote(text)}`, { cause });
  }
}

export function asObject(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object', value);
  return value as JsonObject;
}

export function asString(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, 'a string', value);
  return value;
}

export function optString(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : asString(value, path);
}

export function optBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') fail(path, 'a boolean', value);
  return value;
}

/** A non-negative safe integer (sizes in bytes, counts). */
export function asCount(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(path, 'a non-negative integer', value);
  }
  return value;
}

/** Any safe integer (durations in nanoseconds may be negative in broken configs; keep them). */
export function optInteger(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(path, 'an integer', value);
  return value;
}

export function optStringArray(value: unknown, path: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) fail(path, 'an array of strings', value);
  return value.map((item, i) => asString(item, `${path}[${i}]`));
}

export function optArray<T>(value: unknown, path: string, each: (item: unknown, path: string) => T): T[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) fail(path, 'an array', value);
  return value.map((item, i) => each(item, `${path}[${i}]`));
}

/** A string → string map, such as annotations or labels. */
export function optStringMap(value: unknown, path: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  const object = asObject(value, path);
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(object)) out[key] = asString(item, `${path}[${JSON.stringify(key)}]`);
  return out;
}

/** A set encoded as Go's `map[string]struct{}` (ExposedPorts, Volumes). */
export function optEmptyObjectSet(value: unknown, path: string): Record<string, Record<string, never>> | undefined {
  if (value === undefined || value === null) return undefined;
  const object = asObject(value, path);
  const out: Record<string, Record<string, never>> = {};
  for (const key of Object.keys(object)) out[key] = {};
  return out;
}
