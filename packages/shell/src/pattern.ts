import { InvalidArgumentError } from '@kiln/errors';
import { CodePointScanner, EOF, runeText } from './scanner.js';

/** A converted `${a#pattern}`-style glob. */
export interface ShellPatternRegex {
  /** The regular expression as BuildKit's Go code spells it (e.g. `^\*.*`); for tests and messages. */
  readonly goSource: string;
  /** The equivalent JavaScript expression (flags `u`, plus `g` when asked). Go's `.` excludes only `\n`, so it becomes `[^\n]`. */
  readonly regex: RegExp;
}

/** Characters Go's converter escapes because they are regex syntax. */
const REGEX_SPECIAL = new Set(['[', ']', '{', '}', '.', '+', '(', ')', '|', '^', '$']);

/**
 * Converts a shell glob to a regular expression as BuildKit's
 * `convertShellPatternToRegex` does: `*` is any run (longest when `greedy`,
 * else shortest), `?` any one character, `\*` `\?` `\\` are literal, and a
 * `\` before `}` or `/` is dropped (it only protected the `${…}` delimiter).
 * Bracket expressions are not supported: `[` is literal. `anchored` pins the
 * match to the start. Only `\` escapes here, whatever the escape token.
 *
 * @throws InvalidArgumentError `invalid escape '\x'` for a `\` before any
 *   other character or at the end.
 */
export function shellPatternToRegex(pattern: string, greedy: boolean, anchored: boolean, global = false): ShellPatternRegex {
  const scanner = new CodePointScanner(pattern);
  let go = anchored ? '^' : '';
  let js = go;
  for (let tok = scanner.next(); tok !== EOF; tok = scanner.next()) {
    if (tok === '*') {
      go += greedy ? '.*' : '.*?';
      js += greedy ? '[^\\n]*' : '[^\\n]*?';
      continue;
    }
    if (tok === '?') {
      go += '.';
      js += '[^\\n]';
      continue;
    }
    if (tok === '\\') {
      const after = scanner.peek();
      if (after === '}' || after === '/') continue;
      const escaped = scanner.next();
      if (escaped !== '*' && escaped !== '?' && escaped !== '\\') {
        throw new InvalidArgumentError(`invalid escape '\\${runeText(escaped)}'`);
      }
      go += '\\' + escaped;
      js += '\\' + escaped;
      continue;
    }
    const text = REGEX_SPECIAL.has(tok) ? '\\' + tok : tok;
    go += text;
    js += text;
  }
  return { goSource: go, regex: new RegExp(js, global ? 'gu' : 'u') };
}

/**
 * Reverses a glob by code points but keeps each `\` in front of the
 * character it escapes (`a\*c` → `c\*a`), as BuildKit's `reversePattern`;
 * suffix trimming runs a prefix match over the reversed value.
 */
export function reverseShellPattern(pattern: string): string {
  const chars = Array.from(pattern);
  const out = new Array<string>(chars.length);
  const last = chars.length - 1;
  for (let i = 0; i <= last; ) {
    const tok = chars[i] as string;
    const at = last - i;
    if (tok === '\\' && i !== last) {
      out[at - 1] = tok;
      out[at] = chars[i + 1] as string;
      i += 2;
    } else {
      out[at] = tok;
      i++;
    }
  }
  return out.join('');
}

function reverseString(text: string): string {
  return Array.from(text).reverse().join('');
}

function invalidPattern(pattern: string, error: unknown): never {
  const reason = error instanceof Error ? error.message : String(error);
  throw new InvalidArgumentError(`invalid pattern (${pattern}) in substitution: ${reason}`, { cause: error });
}

function compile(pattern: string, greedy: boolean, anchored: boolean, global = false): RegExp {
  try {
    return shellPatternToRegex(pattern, greedy, anchored, global).regex;
  } catch (error) {
    return invalidPattern(pattern, error);
  }
}

/** `${value#pattern}` (`greedy` for `##`): drops the shortest (longest) matching prefix. */
export function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const match = compile(pattern, greedy, true).exec(value);
  return match === null ? value : value.slice(match.index + match[0].length);
}

/** `${value%pattern}` (`greedy` for `%%`): drops the shortest (longest) matching suffix. */
export function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  // A regex cannot find the shortest match that ends at the end, so match the reversed pattern against the reversed value.
  return reverseString(trimPrefix(reverseShellPattern(pattern), reverseString(value), greedy));
}

/**
 * `${value/pattern/replacement}` and, with `all`, `${value//pattern/replacement}`.
 * `*` is greedy here (BuildKit compiles these patterns greedy). The first
 * form inserts `replacement` literally; the second behaves as Go's
 * `ReplaceAllString`, so `$0`/`${0}` in the replacement insert the match,
 * `$$` is `$`, and any other `$name` is empty.
 */
export function replacePattern(pattern: string, replacement: string, value: string, all: boolean): string {
  const regex = compile(pattern, true, false, all);
  if (!all) {
    const match = regex.exec(value);
    if (match === null) return value;
    return value.slice(0, match.index) + replacement + value.slice(match.index + match[0].length);
  }
  return goReplaceAll(regex, value, replacement);
}

function goReplaceAll(regex: RegExp, source: string, template: string): string {
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= source.length) {
    regex.lastIndex = searchPos;
    const match = regex.exec(source);
    if (match === null) break;
    const start = match.index;
    const end = start + match[0].length;
    out += source.slice(lastMatchEnd, start);
    // Go skips an empty match right after a previous match, so `x*` on `xxa` replaces twice, not three times.
    if (end > lastMatchEnd || start === 0) out += goExpand(template, match[0]);
    lastMatchEnd = end;
    const width = searchPos < source.length ? (source.codePointAt(searchPos)! > 0xffff ? 2 : 1) : 0;
    if (searchPos + width > end) searchPos += width;
    else if (searchPos + 1 > end) searchPos++;
    else searchPos = end;
  }
  return out + source.slice(lastMatchEnd);
}

const TEMPLATE_NAME = /^[\p{L}\p{Nd}_]+/u;

/** Go's `Regexp.Expand` for an expression without groups: only group 0 (the match) exists. */
function goExpand(template: string, matched: string): string {
  let out = '';
  let rest = template;
  for (;;) {
    const dollar = rest.indexOf('$');
    if (dollar < 0) break;
    out += rest.slice(0, dollar);
    rest = rest.slice(dollar + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const braced = rest.startsWith('{');
    const body = braced ? rest.slice(1) : rest;
    const name = TEMPLATE_NAME.exec(body)?.[0];
    if (name === undefined || (braced && body[name.length] !== '}')) {
      out += '$';
      continue;
    }
    rest = body.slice(name.length + (braced ? 1 : 0));
    if (name === '0') out += matched;
  }
  return out + rest;
}
