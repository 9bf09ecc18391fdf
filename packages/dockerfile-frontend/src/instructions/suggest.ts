/**
 * "Did you mean" suggestions, as BuildKit's `util/suggest` makes them: the
 * closest option by Levenshtein distance, if it is closer than 3 edits.
 */

/** Levenshtein distance between `a` and `b`, counted in code points; every edit costs 1. */
export function levenshtein(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  if (s.length === 0) return t.length;
  if (t.length === 0) return s.length;
  let previous = Array.from({ length: t.length + 1 }, (_, i) => i);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (s[i - 1] === t[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[t.length] ?? 0;
}

/**
 * The option closest to `value` (fewer than 3 edits away), or `undefined`.
 * An exact match returns `undefined`: the problem was not the spelling. When
 * not `caseSensitive`, options compare lower-cased and the suggestion takes
 * the case of `value` when that is all lower or all upper. Ties go to the
 * earlier option.
 */
export function suggest(value: string, options: readonly string[], caseSensitive: boolean): string | undefined {
  const wanted = caseSensitive ? value : value.toLowerCase();
  let match: string | undefined;
  let best = 3;
  for (const option of options) {
    const candidate = caseSensitive ? option : option.toLowerCase();
    if (candidate === wanted) return undefined;
    const distance = levenshtein(wanted, candidate);
    if (distance < best) {
      best = distance;
      match = caseSensitive ? candidate : matchCase(candidate, value);
    }
  }
  return match;
}

/** `message` plus ` (did you mean X?)` when {@link suggest} finds an X. */
export function withSuggestion(
  message: string,
  value: string,
  options: readonly string[],
  caseSensitive: boolean,
  format: (match: string) => string = (match) => match,
): string {
  const match = suggest(value, options, caseSensitive);
  return match === undefined ? message : `${message} (did you mean ${format(match)}?)`;
}

function matchCase(option: string, original: string): string {
  if (original === original.toLowerCase()) return option.toLowerCase();
  if (original === original.toUpperCase()) return option.toUpperCase();
  return option;
}
