/**
 * Parser directives (`# syntax=`, `# escape=`, `# check=`): BuildKit's
 * `DirectiveParser`. They are read only from the first lines of the file,
 * before any blank line, ordinary comment or instruction; a `#!` first line is
 * skipped. Keys are case-insensitive, values keep their case.
 */
import type { SourceRange } from '@kiln/errors';
import type { Directive, EscapeChar } from './ast.js';

/** The directive keys BuildKit recognises; any other key ends the directive block. */
export const DIRECTIVE_NAMES: ReadonlySet<string> = new Set(['syntax', 'escape', 'check']);

/** The result of offering one line to the {@link DirectiveReader}. */
export type DirectiveLineResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'directive'; readonly directive: Directive }
  | { readonly kind: 'error'; readonly message: string; readonly range: SourceRange };

const NONE: DirectiveLineResult = { kind: 'none' };

/** Go RE2's `\s`: no vertical tab, no Unicode spaces. */
function isGoSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isAsciiDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The key and value of a `#key=value` line, as offsets into it; undefined when the line is not of that form. */
export function matchDirectiveLine(text: string): { key: string; valueStart: number; valueEnd: number } | undefined {
  if (text.charCodeAt(0) !== 35) return undefined;
  let i = 1;
  while (i < text.length && isGoSpace(text.charCodeAt(i))) i++;
  const keyStart = i;
  if (!isAsciiLetter(text.charCodeAt(i))) return undefined;
  i++;
  while (i < text.length && (isAsciiLetter(text.charCodeAt(i)) || isAsciiDigit(text.charCodeAt(i)))) i++;
  const key = text.slice(keyStart, i);
  while (i < text.length && isGoSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 61) return undefined;
  i++;
  while (i < text.length && isGoSpace(text.charCodeAt(i))) i++;
  let end = text.length;
  while (end > i && isGoSpace(text.charCodeAt(end - 1))) end--;
  if (end <= i) return undefined;
  return { key, valueStart: i, valueEnd: end };
}

/**
 * Reads directives line by line, in BuildKit's order: every line the scanner
 * processes is offered once, and the first line that is not a recognised
 * directive closes the block for good.
 */
export class DirectiveReader {
  #lines = 0;
  #done = false;
  readonly #seen = new Set<string>();
  /** The escape character in force. */
  escapeChar: EscapeChar = '\\';

  /**
   * Offers a line. `text` is the line with leading whitespace removed; `line`
   * is its 1-based number and `column` the 1-based column of `text[0]`.
   */
  offer(text: string, line: number, column: number): DirectiveLineResult {
    this.#lines++;
    if (this.#done) return NONE;
    if (this.#lines === 1 && text.startsWith('#!')) return NONE;
    const m = matchDirectiveLine(text);
    const key = m?.key.toLowerCase();
    if (m === undefined || key === undefined || !DIRECTIVE_NAMES.has(key)) {
      this.#done = true;
      return NONE;
    }
    let end = text.length;
    while (end > 0 && isGoSpace(text.charCodeAt(end - 1))) end--;
    const range: SourceRange = { start: { line, column }, end: { line, column: column + end - 1 } };
    if (this.#seen.has(key)) return { kind: 'error', message: `only one ${key} parser directive can be used`, range };
    this.#seen.add(key);
    const value = text.slice(m.valueStart, m.valueEnd);
    const valueRange: SourceRange = {
      start: { line, column: column + m.valueStart },
      end: { line, column: column + m.valueEnd - 1 },
    };
    if (key === 'escape') {
      if (value !== '`' && value !== '\\') {
        return { kind: 'error', message: `invalid escape token '${value}' does not match \` or \\`, range: valueRange };
      }
      this.escapeChar = value;
    }
    return { kind: 'directive', directive: { name: key, value, range, valueRange } };
  }
}
