/**
 * Go's `strconv.Quote`, which BuildKit's AST dump uses for every value: the
 * dump format of the conformance corpus depends on it byte for byte.
 */

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;

const SHORT_ESCAPES: Readonly<Record<number, string>> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Quotes `s` as Go's `strconv.Quote` does (a lone surrogate prints as the bytes Go would see in WTF-8). */
export function goQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) {
      out += c === 0x22 ? '\\"' : c === 0x5c ? '\\\\' : s[i];
      continue;
    }
    if (c < 0x80) {
      out += SHORT_ESCAPES[c] ?? `\\x${hex(c, 2)}`;
      continue;
    }
    const cp = s.codePointAt(i)!;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += `\\x${hex(0xe0 | (cp >> 12), 2)}\\x${hex(0x80 | ((cp >> 6) & 0x3f), 2)}\\x${hex(0x80 | (cp & 0x3f), 2)}`;
      continue;
    }
    const ch = String.fromCodePoint(cp);
    if (cp > 0xffff) i++;
    if (PRINTABLE.test(ch)) out += ch;
    else if (cp <= 0xffff) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return out + '"';
}

/** Go's `fmt.Sprintf("%q", []string{...})`: `["a" "b"]`. */
export function goQuoteList(list: readonly string[]): string {
  return `[${list.map(goQuote).join(' ')}]`;
}
