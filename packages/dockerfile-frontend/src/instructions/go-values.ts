/** Go's value parsers that BuildKit uses on flag fields, with their error texts. */

/** `strconv.ParseBool`: 1 t T TRUE true True / 0 f F FALSE false False; `undefined` otherwise. */
export function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/** `strconv.ParseUint(text, base, 32)`: digits of `base` only, below 2^32; `undefined` otherwise. */
export function parseGoUint32(text: string, base: 8 | 10): number | undefined {
  const digits = base === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!digits.test(text)) return undefined;
  const value = Number.parseInt(text, base);
  return value <= 0xffffffff ? value : undefined;
}

/**
 * go-units' `RAMInBytes`: `<number>[ ][kmgtp][i][b]`, case-insensitive,
 * binary multiples (`128m` is 134217728). `undefined` when malformed.
 */
export function parseRamInBytes(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(text);
  if (match === null) return undefined;
  const size = Number.parseFloat(match[1] ?? '');
  if (Number.isNaN(size)) return undefined;
  const power = { k: 1, m: 2, g: 3, t: 4, p: 5 }[(match[2] ?? '').toLowerCase()] ?? 0;
  return Math.trunc(size * 1024 ** power);
}
