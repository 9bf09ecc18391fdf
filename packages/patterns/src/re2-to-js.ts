/**
 * Translates the Go RE2 regular expressions that moby's patternmatcher builds
 * into JavaScript (`u` flag) sources with the same meaning.
 *
 * moby copies `[`, `]` and `\x` escapes of a pattern straight into RE2, so
 * pattern text can reach RE2 constructs whose JavaScript spelling differs:
 * a `]` outside a class (literal in RE2, an error in JS), `[` inside a class,
 * POSIX classes such as `[[:alpha:]]`, escapes of punctuation, and the ASCII
 * meaning of `\s`. Returning `undefined` means RE2 would reject the expression,
 * which moby reports as a bad pattern when the pattern is first used.
 */

/** RE2 POSIX classes as JS class bodies (RE2 defines them over ASCII). */
const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`\\{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** Characters JS's `u` mode lets (and needs) a backslash in front of. */
const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/');

/** The JS source for RE2 source `src`, or `undefined` when RE2 would reject it (or uses an escape we do not translate). */
export function re2ToJs(src: string): string | undefined {
  const cps = Array.from(src);
  let out = '';
  let i = 0;
  while (i < cps.length) {
    const c = cps[i++]!;
    if (c === '\\') {
      const esc = translateEscape(cps[i++], false);
      if (esc === undefined) return undefined;
      out += esc;
    } else if (c === '[') {
      const cls = translateClass(cps, i);
      if (cls === undefined) return undefined;
      out += cls.source;
      i = cls.next;
    } else if (c === '.') {
      out += '[^\\n]'; // RE2's '.' excludes only '\n'; JS's also excludes '\r', U+2028, U+2029
    } else if (c === ']' || c === '{' || c === '}') {
      out += '\\' + c;
    } else {
      out += c;
    }
  }
  return out;
}

/** A JS class for an RE2 class whose `[` was just consumed; `next` indexes past its `]`. */
function translateClass(cps: readonly string[], i: number): { source: string; next: number } | undefined {
  let out = '[';
  if (cps[i] === '^') {
    out += '^';
    i++;
  }
  let first = true;
  // RE2 (Perl mode) reads a '-' after a class escape such as \d as a literal; JS rejects it unescaped.
  let afterClassEscape = false;
  for (;;) {
    const c = cps[i];
    if (c === undefined) return undefined; // missing ']'
    if (c === ']' && !first) return { source: out + ']', next: i + 1 };
    first = false;
    if (c === '[' && cps[i + 1] === ':') {
      const end = indexOfPair(cps, i + 2, ':', ']');
      if (end >= 0) {
        const name = cps.slice(i + 2, end).join('');
        const body = POSIX_CLASSES[name];
        if (body === undefined) return undefined; // RE2: invalid character class range (also for [:^name:])
        out += body;
        i = end + 2;
        afterClassEscape = true;
        continue;
      }
    }
    if (c === '\\') {
      const esc = translateEscape(cps[i + 1], true);
      if (esc === undefined) return undefined;
      out += esc;
      afterClassEscape = /^[dDwWsS]$/.test(cps[i + 1]!);
      i += 2;
      continue;
    }
    out += c === ']' || c === '[' || (c === '-' && afterClassEscape) ? '\\' + c : c;
    afterClassEscape = false;
    i++;
  }
}

function indexOfPair(cps: readonly string[], from: number, a: string, b: string): number {
  for (let j = from; j + 1 < cps.length; j++) if (cps[j] === a && cps[j + 1] === b) return j;
  return -1;
}

/** RE2's meaning of `\c`, spelled for JS inside or outside a class. */
function translateEscape(c: string | undefined, inClass: boolean): string | undefined {
  if (c === undefined) return undefined; // trailing backslash
  const code = c.codePointAt(0)!;
  if (code < 0x80 && !isAlnum(code)) {
    // RE2 takes any escaped ASCII punctuation (or space) literally.
    if (JS_SYNTAX.has(c)) return '\\' + c;
    if (c === '-') return inClass ? '\\-' : '-';
    return c;
  }
  switch (c) {
    case 'a': return '\\x07';
    case 'f': case 't': case 'n': case 'r': case 'v': return '\\' + c;
    case 'd': case 'D': case 'w': case 'W': return '\\' + c; // ASCII in both without the 'i' flag
    case 's': return inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]';
    // Inside a class JS's \S also excludes non-ASCII spaces, a difference no ignore file meets.
    case 'S': return inClass ? '\\S' : '[^\\t\\n\\f\\r ]';
    case 'b': case 'B': return inClass ? undefined : '\\' + c;
    case 'A': return inClass ? undefined : '^';
    case 'z': return inClass ? undefined : '$';
    // TODO(rare in ignore files): RE2's \x{…}, \p{…}, \Q…\E and octal escapes are not translated; such patterns report a bad pattern.
    default: return undefined;
  }
}

function isAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}
