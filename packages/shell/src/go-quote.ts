/**
 * Quotes `text` the way Go's `%q` (strconv.Quote) does, so error messages
 * read as BuildKit's: `"` and `\` escaped, printable characters kept, others
 * written as `\n`, `\x01`, `\u00a0`.
 */
export function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === ' ' || (cp > 0x20 && cp < 0x7f)) out += ch;
    else if (cp >= 0x80 && PRINTABLE.test(ch)) out += ch;
    else out += escapeControl(ch, cp);
  }
  return out + '"';
}

// Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

const NAMED: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

function escapeControl(ch: string, cp: number): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  if (cp < 0x80) return '\\x' + cp.toString(16).padStart(2, '0');
  if (cp < 0x10000) return '\\u' + cp.toString(16).padStart(4, '0');
  return '\\U' + cp.toString(16).padStart(8, '0');
}
