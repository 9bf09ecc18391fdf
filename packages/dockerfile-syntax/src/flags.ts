/**
 * Flag words (`--mount="type=cache,target=/x"`): BuildKit's
 * `extractBuilderFlags` removes quotes and resolves escapes inside each flag word.
 */
import type { EscapeChar } from './ast.js';

/**
 * The text of one flag word as BuildKit keeps it: quote characters removed,
 * the escape character dropped before the character it escapes (in and out of
 * quotes), a trailing lone escape character skipped.
 */
export function unquoteFlagWord(word: string, escapeChar: EscapeChar): string {
  // Most flags have neither quotes nor escapes, and come back as they are.
  if (!word.includes('"') && !word.includes("'") && !word.includes(escapeChar)) return word;
  let out = '';
  let quote = '';
  for (let i = 0; i < word.length; i++) {
    let ch = word[i]!;
    if (quote === '') {
      if (ch === "'" || ch === '"') {
        quote = ch;
        continue;
      }
    } else if (ch === quote) {
      quote = '';
      continue;
    }
    if (ch === escapeChar) {
      if (i + 1 === word.length) continue;
      ch = word[++i]!;
    }
    out += ch;
  }
  return out;
}

/** Splits a flag's text into its name (without `--`) and value (after the first `=`, undefined without one). */
export function splitFlag(text: string): { name: string; value: string | undefined } {
  const body = text.startsWith('--') ? text.slice(2) : text;
  const eq = body.indexOf('=');
  return eq === -1 ? { name: body, value: undefined } : { name: body.slice(0, eq), value: body.slice(eq + 1) };
}
