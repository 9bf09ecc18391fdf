/**
 * A port of Go's `path/filepath.Match` for `/`-separated paths (Unix rules:
 * `\` escapes). moby's patternmatcher uses it to reject malformed patterns, and
 * BuildKit's copier uses it to expand wildcard COPY/ADD sources.
 */
import { InvalidArgumentError } from '@kiln/errors';

const SLASH = 47;
const STAR = 42;
const QUESTION = 63;
const LBRACKET = 91;
const RBRACKET = 93;
const BACKSLASH = 92;
const CARET = 94;
const DASH = 45;

/** Thrown internally by the chunk matcher; turned into an InvalidArgumentError naming the pattern. */
const BAD_PATTERN: unique symbol = Symbol('bad pattern');

/** The text Go gives `filepath.ErrBadPattern`; kept in our messages so they read like BuildKit's. */
export const BAD_PATTERN_TEXT = 'syntax error in pattern';

/**
 * Reports whether `name` matches the shell pattern `pattern`, exactly as Go's
 * `filepath.Match` on Unix: `*` is any run of non-`/` characters, `?` one
 * non-`/` character, `[...]` a class (`^` negates, `a-z` ranges, `\` escapes),
 * `\c` the literal `c`. The whole of `name` must match.
 *
 * @throws InvalidArgumentError (`syntax error in pattern "…"`) when the pattern
 *   is malformed: Go checks the whole pattern even when the match fails early,
 *   and so does this.
 */
export function matchGlob(pattern: string, name: string): boolean {
  try {
    return matchGlobUnchecked(pattern, name);
  } catch (err) {
    if (err === BAD_PATTERN) throw badGlob(pattern);
    throw err;
  }
}

/**
 * Throws when `pattern` is not a well-formed Go glob; the check moby's
 * patternmatcher performs with `filepath.Match(pattern, ".")`.
 *
 * @throws InvalidArgumentError quoting the pattern.
 */
export function validateGlob(pattern: string): void {
  matchGlob(pattern, '.');
}

/** The error for a malformed glob, quoting it. */
export function badGlob(pattern: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `${BAD_PATTERN_TEXT} ${JSON.stringify(pattern)}: expected '*', '?', '[class]' with non-empty ranges and a closing ']', or '\\' followed by a character`,
  );
}

/**
 * Whether a path element holds an unescaped `*`, `?` or `[` (fsutil's
 * `containsWildcards`, used to decide whether a COPY source is a wildcard).
 */
export function containsWildcards(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === STAR || c === QUESTION || c === LBRACKET) return true;
  }
  return false;
}

// scanChunk results; module state avoids allocating a tuple per chunk.
let chunkStar = false;
let chunkStart = 0;
let chunkEnd = 0;

function scanChunk(p: string, pos: number): void {
  let star = false;
  while (pos < p.length && p.charCodeAt(pos) === STAR) {
    pos++;
    star = true;
  }
  let inRange = false;
  let i = pos;
  for (; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c === BACKSLASH) {
      if (i + 1 < p.length) i++;
    } else if (c === LBRACKET) {
      inRange = true;
    } else if (c === RBRACKET) {
      inRange = false;
    } else if (c === STAR && !inRange) {
      break;
    }
  }
  chunkStar = star;
  chunkStart = pos;
  chunkEnd = i;
}

function matchGlobUnchecked(pattern: string, name: string): boolean {
  let pi = 0;
  let si = 0;
  outer: while (pi < pattern.length) {
    scanChunk(pattern, pi);
    const star = chunkStar;
    const cs = chunkStart;
    const ce = chunkEnd;
    pi = ce;
    if (star && cs === ce) {
      // A trailing '*' matches the rest of the name unless it has a '/'.
      return name.indexOf('/', si) === -1;
    }
    const t = matchChunk(pattern, cs, ce, name, si);
    // The last chunk must consume the whole name, or a later star could still match.
    if (t >= 0 && (t === name.length || pi < pattern.length)) {
      si = t;
      continue;
    }
    if (star) {
      for (let i = si; i < name.length && name.charCodeAt(i) !== SLASH;) {
        i += codePointWidth(name, i);
        const t2 = matchChunk(pattern, cs, ce, name, i);
        if (t2 >= 0) {
          if (pi === pattern.length && t2 < name.length) continue;
          si = t2;
          continue outer;
        }
      }
    }
    // Before answering "no", check that the rest of the pattern is well formed.
    while (pi < pattern.length) {
      scanChunk(pattern, pi);
      pi = chunkEnd;
      matchChunk(pattern, chunkStart, chunkEnd, '', 0);
    }
    return false;
  }
  return si === name.length;
}

/**
 * Matches one chunk (no unescaped '*') at `s[si…]`. Returns the index after
 * the match, or -1. Keeps parsing after a failure so malformed classes are
 * reported, like Go.
 */
function matchChunk(p: string, cs: number, ce: number, s: string, si: number): number {
  let failed = false;
  let i = cs;
  while (i < ce) {
    if (!failed && si >= s.length) failed = true;
    const c = p.charCodeAt(i);
    if (c === LBRACKET) {
      let r = -1;
      if (!failed) {
        r = s.codePointAt(si)!;
        si += r > 0xffff ? 2 : 1;
      }
      i++;
      let negated = false;
      if (i < ce && p.charCodeAt(i) === CARET) {
        negated = true;
        i++;
      }
      let match = false;
      let nrange = 0;
      for (;;) {
        if (i < ce && p.charCodeAt(i) === RBRACKET && nrange > 0) {
          i++;
          break;
        }
        const lo = getEsc(p, i, ce);
        i = escNext;
        let hi = lo;
        if (p.charCodeAt(i) === DASH) {
          hi = getEsc(p, i + 1, ce);
          i = escNext;
        }
        if (lo <= r && r <= hi) match = true;
        nrange++;
      }
      if (match === negated) failed = true;
    } else if (c === QUESTION) {
      if (!failed) {
        if (s.charCodeAt(si) === SLASH) failed = true;
        si += codePointWidth(s, si);
      }
      i++;
    } else {
      if (c === BACKSLASH) {
        i++;
        if (i >= ce) throw BAD_PATTERN;
      }
      if (!failed) {
        if (p.charCodeAt(i) !== s.charCodeAt(si)) failed = true;
        si++;
      }
      i++;
    }
  }
  return failed ? -1 : si;
}

let escNext = 0;

/** One class character (possibly `\`-escaped) at p[i]; sets escNext. Go's getEsc. */
function getEsc(p: string, i: number, ce: number): number {
  if (i >= ce) throw BAD_PATTERN;
  const c = p.charCodeAt(i);
  if (c === DASH || c === RBRACKET) throw BAD_PATTERN;
  if (c === BACKSLASH) {
    i++;
    if (i >= ce) throw BAD_PATTERN;
  }
  const r = p.codePointAt(i)!;
  escNext = i + (r > 0xffff ? 2 : 1);
  if (escNext >= ce) throw BAD_PATTERN;
  return r;
}

function codePointWidth(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
}
