/**
 * One prepared pattern, compiled the way moby's patternmatcher compiles it:
 * literal patterns compare as strings, `x/**` as a prefix, `**…` as a suffix,
 * everything else through an anchored regular expression.
 */
import { re2ToJs } from './re2-to-js.js';

/** How a pattern is matched; moby's internal classification, kept because callers can see it. */
export type MatchType = 'exact' | 'prefix' | 'suffix' | 'regexp';

/** RE2 metacharacters that have no meaning in a glob and so are escaped (moby's `shouldEscape`). */
const ESCAPED = new Set('.+()|{}$');

/** The result of compiling one cleaned pattern (without its `!`). */
export interface CompiledPattern {
  readonly matchType: MatchType;
  /** The Go RE2 source moby builds for `regexp` patterns, else `undefined`. */
  readonly goRegexp: string | undefined;
  /** The JS equivalent of `goRegexp`; `undefined` for other types or when it does not compile. */
  readonly regexp: RegExp | undefined;
  /** Set when the regular expression does not compile: moby reports this on each use, not at construction. */
  readonly compileError: string | undefined;
  /** The string compared against: the pattern (exact), the prefix before `**` (prefix) or the suffix after `**` (suffix). */
  readonly literal: string;
}

/** Compiles a cleaned pattern (moby `Pattern.compile` with `/` as separator). */
export function compilePattern(pattern: string): CompiledPattern {
  let re = '^';
  let type: MatchType = 'exact';
  const cps = Array.from(pattern);
  let k = 0;
  for (let i = 0; k < cps.length; i++) {
    const ch = cps[k++]!;
    if (ch === '*') {
      if (cps[k] === '*') {
        k++;
        if (cps[k] === '/') k++; // treat "**/" as "**"
        if (k >= cps.length) {
          // A trailing "**" accepts everything below, like .gitignore.
          if (type === 'exact') {
            type = 'prefix';
          } else {
            re += '.*';
            type = 'regexp';
          }
        } else {
          re += '(.*/)?'; // any number of directories, including none
          type = 'regexp';
        }
        if (i === 0) type = 'suffix';
      } else {
        re += '[^/]*';
        type = 'regexp';
      }
    } else if (ch === '?') {
      re += '[^/]';
      type = 'regexp';
    } else if (ESCAPED.has(ch)) {
      re += '\\' + ch;
    } else if (ch === '\\') {
      if (k < cps.length) {
        re += '\\' + cps[k++]!;
        type = 'regexp';
      } else {
        re += '\\';
      }
    } else if (ch === '[' || ch === ']') {
      re += ch;
      type = 'regexp';
    } else {
      re += ch;
    }
  }

  switch (type) {
    case 'exact':
      return { matchType: type, goRegexp: undefined, regexp: undefined, compileError: undefined, literal: pattern };
    case 'prefix':
      return { matchType: type, goRegexp: undefined, regexp: undefined, compileError: undefined, literal: pattern.slice(0, -2) };
    case 'suffix':
      return { matchType: type, goRegexp: undefined, regexp: undefined, compileError: undefined, literal: pattern.slice(2) };
    case 'regexp': {
      re += '$';
      const js = re2ToJs(re);
      let regexp: RegExp | undefined;
      let compileError: string | undefined;
      if (js === undefined) {
        compileError = `regular expression ${JSON.stringify(re)} is not valid RE2 (or uses an RE2 escape kiln does not support)`;
      } else {
        try {
          regexp = new RegExp(js, 'u');
        } catch (err) {
          compileError = `regular expression ${JSON.stringify(re)} does not compile: ${(err as Error).message}`;
        }
      }
      return { matchType: type, goRegexp: re, regexp, compileError, literal: pattern };
    }
  }
}

/**
 * Tests `path` against a compiled pattern. Returns `undefined` for a pattern
 * whose regular expression did not compile (the caller reports it).
 */
export function testCompiled(p: CompiledPattern, path: string): boolean | undefined {
  switch (p.matchType) {
    case 'exact':
      return path === p.literal;
    case 'prefix':
      return path.startsWith(p.literal);
    case 'suffix': {
      const suffix = p.literal;
      if (path.endsWith(suffix)) return true;
      // "**/foo" also matches "foo" itself.
      return suffix.charCodeAt(0) === 47 && path.length === suffix.length - 1 && suffix.endsWith(path);
    }
    case 'regexp':
      return p.regexp === undefined ? undefined : p.regexp.test(path);
  }
}
