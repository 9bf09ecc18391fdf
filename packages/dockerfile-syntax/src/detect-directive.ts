/**
 * Directive detection without a full parse (BuildKit's `DetectSyntax` and
 * `ParseDirective`), for callers that only need to know which frontend a file
 * asks for. `syntax` is also found as `//syntax=` and as a whole-file JSON
 * object `{"syntax": "…"}`; other keys only in the `#` form (and JSON).
 */
import { DIRECTIVE_NAMES, matchDirectiveLine } from './directives.js';

/** A directive found by {@link detectDirective}. */
export interface DetectedDirective {
  /** The value up to its first space (for `syntax`, the frontend image reference). */
  readonly ref: string;
  /** The whole value. */
  readonly cmdline: string;
  /** 1-based line of the directive (for the JSON form, the first line after a shebang). */
  readonly line: number;
}

function fromJson(key: string, text: string, line: number): DetectedDirective | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const value = (parsed as Record<string, unknown>)[key];
  return typeof value === 'string' ? { ref: value, cmdline: value, line } : undefined;
}

function fromComments(key: string, lines: readonly string[], firstLine: number, prefix: '#' | '//'): DetectedDirective | undefined {
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    if (!raw.startsWith(prefix)) return undefined;
    const m = matchDirectiveLine('#' + raw.slice(prefix.length));
    if (m === undefined) return undefined;
    const name = m.key.toLowerCase();
    if (!DIRECTIVE_NAMES.has(name)) return undefined;
    if (name === key) {
      const cmdline = ('#' + raw.slice(prefix.length)).slice(m.valueStart, m.valueEnd);
      const space = cmdline.indexOf(' ');
      return { ref: space === -1 ? cmdline : cmdline.slice(0, space), cmdline, line: firstLine + i };
    }
  }
  return undefined;
}

/**
 * Finds directive `key` at the top of `text` without parsing instructions: a
 * BOM and a `#!` first line are skipped; the JSON form, then (for `syntax`
 * only) the `//` form, then the `#` form are tried. Undefined when absent.
 */
export function detectDirective(key: string, text: string): DetectedDirective | undefined {
  let body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let line = 1;
  if (body.startsWith('#!')) {
    const nl = body.indexOf('\n');
    body = nl === -1 ? '' : body.slice(nl + 1);
    line = 2;
  }
  const json = fromJson(key, body, line);
  if (json !== undefined) return json;
  const lines = body.split('\n');
  if (key === 'syntax') {
    const slashes = fromComments(key, lines, line, '//');
    if (slashes !== undefined) return slashes;
  }
  return fromComments(key, lines, line, '#');
}

/** The `syntax` directive of `text` (see {@link detectDirective}). */
export function detectSyntax(text: string): DetectedDirective | undefined {
  return detectDirective('syntax', text);
}
