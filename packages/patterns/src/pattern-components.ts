/**
 * Element-wise view of a pattern, for pruning a walk: when no element of a
 * pattern can span a `/`, a pattern can only match below a directory if its
 * leading elements match the directory's elements one by one.
 */
import { compilePattern, testCompiled, type CompiledPattern } from './compile-pattern.js';

/** One `/`-free element of a pattern, compiled like a whole pattern. */
export type ComponentMatcher = CompiledPattern;

/**
 * The per-element matchers of a cleaned pattern, or `undefined` when an
 * element could match across a `/` and so element-wise reasoning is unsound:
 * `**`, `\` escapes (`\W` matches `/`), negated classes, and classes that hold
 * `/`, a range spanning it, or a POSIX class.
 */
export function patternComponents(pattern: string): ComponentMatcher[] | undefined {
  if (pattern.includes('**') || pattern.includes('\\')) return undefined;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern.charCodeAt(i) !== 91 /* [ */) continue;
    const end = classEnd(pattern, i + 1);
    if (end < 0) return undefined;
    if (!classAvoidsSlash(pattern.slice(i + 1, end))) return undefined;
    i = end;
  }
  const out: ComponentMatcher[] = [];
  for (const element of pattern.split('/')) {
    const c = compilePattern(element);
    if (c.compileError !== undefined) return undefined;
    out.push(c);
  }
  return out;
}

/** Index of the `]` closing a class whose body starts at `from` (a `]` first in the body is literal, as in RE2). */
function classEnd(p: string, from: number): number {
  let i = from;
  if (p.charCodeAt(i) === 94 /* ^ */) i++;
  if (p.charCodeAt(i) === 93 /* ] */) i++;
  const end = p.indexOf(']', i);
  return end;
}

function classAvoidsSlash(body: string): boolean {
  if (body.startsWith('^') || body.includes('[:')) return false;
  for (let j = 0; j < body.length; j++) {
    const lo = body.charCodeAt(j);
    if (body.charCodeAt(j + 1) === 45 /* - */ && j + 2 < body.length) {
      const hi = body.charCodeAt(j + 2);
      if (lo <= 47 && 47 <= hi) return false;
      j += 2;
    } else if (lo === 47) {
      return false;
    }
  }
  return true;
}

/**
 * Whether a pattern with these elements could match the directory with
 * `dirElements`, one of its ancestors, or a path below it: every element both
 * have must match. A regular expression that fails at run time counts as a
 * possible match, so the walk evaluates it and reports the error.
 */
export function mayMatchBelowOrAt(components: readonly ComponentMatcher[], dirElements: readonly string[]): boolean {
  const k = Math.min(components.length, dirElements.length);
  for (let j = 0; j < k; j++) {
    if (testCompiled(components[j]!, dirElements[j]!) === false) return false;
  }
  return true;
}
