/**
 * moby/patternmatcher in TypeScript: ordered include patterns and `!`
 * exceptions over `/`-separated paths relative to a root (the build context or
 * a COPY source), with the same answers as the Go package BuildKit vendors.
 */
import { InvalidArgumentError } from '@kiln/errors';
import { cleanPath, dirPath, trimGoSpace } from './go-path.js';
import { BAD_PATTERN_TEXT, validateGlob } from './glob-match.js';
import { compilePattern, testCompiled, type CompiledPattern, type MatchType } from './compile-pattern.js';
import { patternComponents, mayMatchBelowOrAt, type ComponentMatcher } from './pattern-components.js';

/** What a matcher made of one of its patterns. */
export interface PatternInfo {
  /** The pattern after trimming and path cleaning, without its `!`. */
  readonly pattern: string;
  /** True for a `!` exception (a re-include). */
  readonly exclusion: boolean;
  /** moby's classification: literal, `x/**` prefix, `**…` suffix, or regular expression. */
  readonly matchType: MatchType;
  /** The Go RE2 source moby builds for `regexp` patterns (for diagnostics), else `undefined`. */
  readonly goRegexp: string | undefined;
}

/**
 * Per-pattern results for a directory, handed to its children so they need not
 * re-test ancestors (moby `MatchInfo`). Opaque: only pass back what a matcher
 * returned. An empty array means "no information" (a path at the root).
 */
export type MatchInfo = Uint8Array;

/** The "no parent information" value. */
export const NO_MATCH_INFO: MatchInfo = new Uint8Array(0);

interface Entry extends CompiledPattern, PatternInfo {
  /** Number of `/`-separated elements in the pattern (the legacy `Matches` compares that many parent elements). */
  readonly elementCount: number;
  /** Per-element matchers for pruning, or `undefined` when the pattern can span `/` in ways elements cannot tell. */
  readonly components: readonly ComponentMatcher[] | undefined;
}

/**
 * An ordered list of patterns. The last pattern that matches decides: an
 * include pattern makes a path matched, a `!` exception unmatched. As in moby,
 * include patterns are only tried while the path is unmatched and exceptions
 * only while it is matched. Paths are `/`-separated and relative (no leading
 * `/`); they are not cleaned. A matcher holds no per-call state, so one
 * instance can serve several concurrent walks.
 */
export class PatternMatcher {
  /** Whether any pattern is a `!` exception (moby `Exclusions()`). */
  readonly exclusions: boolean;
  /** The active patterns, in order (empty lines dropped). */
  readonly patterns: readonly PatternInfo[];
  readonly #entries: readonly Entry[];

  /**
   * Prepares patterns like moby's `patternmatcher.New`: each is trimmed (Go
   * white space), dropped when empty, path-cleaned, split off its leading `!`,
   * and checked with Go `filepath.Match` syntax rules.
   *
   * @throws InvalidArgumentError for a lone `!` (`illegal exclusion pattern: "!"`)
   *   and for malformed globs (`syntax error in pattern "…"`), quoting the pattern.
   *   A pattern that is a valid glob but not a valid regular expression (such as
   *   `[z-a]`) is accepted here and fails each time it is used, as in moby.
   */
  constructor(patterns: readonly string[]) {
    const entries: Entry[] = [];
    let exclusions = false;
    for (const raw of patterns) {
      const trimmed = trimGoSpace(raw);
      if (trimmed === '') continue;
      let text = cleanPath(trimmed);
      let exclusion = false;
      if (text.charCodeAt(0) === 33 /* ! */) {
        if (text.length === 1) {
          throw new InvalidArgumentError(`illegal exclusion pattern: "!" (in ${JSON.stringify(raw)}): expected a pattern after '!'`);
        }
        exclusion = true;
        exclusions = true;
        text = text.slice(1);
      }
      try {
        validateGlob(text);
      } catch (err) {
        throw new InvalidArgumentError(`${BAD_PATTERN_TEXT} ${JSON.stringify(raw)}: expected a Go filepath.Match glob`, { cause: err });
      }
      const compiled = compilePattern(text);
      entries.push({
        ...compiled,
        pattern: text,
        exclusion,
        elementCount: text.split('/').length,
        components: compiled.compileError === undefined ? patternComponents(text) : undefined,
      });
    }
    this.#entries = entries;
    this.exclusions = exclusions;
    this.patterns = entries.map(({ pattern, exclusion, matchType, goRegexp }) => ({ pattern, exclusion, matchType, goRegexp }));
  }

  /**
   * moby's deprecated `Matches`: like {@link matchesOrParentMatches} but tests
   * only the one parent prefix with as many elements as the pattern. Kept for
   * compatibility; prefer `matchesOrParentMatches`.
   *
   * @deprecated moby calls this buggy; use {@link matchesOrParentMatches}.
   * @throws InvalidArgumentError when a pattern that must be tried does not compile.
   */
  matches(path: string): boolean {
    let matched = false;
    const parent = dirPath(path);
    const parentElements = parent.split('/');
    for (const e of this.#entries) {
      if (e.exclusion !== matched) continue;
      let m = this.#test(e, path);
      if (!m && parent !== '.' && e.elementCount <= parentElements.length) {
        m = testCompiled(e, parentElements.slice(0, e.elementCount).join('/')) === true;
      }
      if (m) matched = !e.exclusion;
    }
    return matched;
  }

  /**
   * Whether `path` itself matches (no parent directories considered).
   *
   * @throws InvalidArgumentError when a pattern that must be tried does not compile.
   */
  matchesExact(path: string): boolean {
    let matched = false;
    for (const e of this.#entries) {
      if (e.exclusion !== matched) continue;
      if (this.#test(e, path)) matched = !e.exclusion;
    }
    return matched;
  }

  /**
   * Whether `path` is matched, where a pattern also matches a path when it
   * matches any parent directory of it (`a` matches `a/b/c`). This is the
   * answer .dockerignore and `--exclude` give for one path.
   *
   * @throws InvalidArgumentError when a pattern that must be tried does not compile.
   */
  matchesOrParentMatches(path: string): boolean {
    let matched = false;
    let parent: string | undefined;
    for (const e of this.#entries) {
      if (e.exclusion !== matched) continue;
      let m = this.#test(e, path);
      if (!m) {
        parent ??= dirPath(path);
        m = parent !== '.' && parentPrefixMatches(e, parent);
      }
      if (m) matched = !e.exclusion;
    }
    return matched;
  }

  /**
   * The walking form of {@link matchesOrParentMatches} (moby
   * `MatchesUsingParentResults`): `parentInfo` is what this call returned for
   * the parent directory, or {@link NO_MATCH_INFO} for a path at the root (or
   * when unknown; then parents are tested from the path).
   *
   * @throws InvalidArgumentError when `parentInfo` came from another matcher, or a
   *   pattern that must be tried does not compile.
   */
  matchesUsingParentResults(path: string, parentInfo: MatchInfo = NO_MATCH_INFO): { matched: boolean; info: MatchInfo } {
    const info = new Uint8Array(this.#entries.length);
    const matched = this.matchesUsingParentInfo(path, parentInfo, info);
    return { matched, info };
  }

  /**
   * Allocation-free core of {@link matchesUsingParentResults}: writes the
   * per-pattern results for `path` into `out` (length = number of patterns)
   * when given; pass `undefined` for files, whose results nobody reads.
   *
   * @throws InvalidArgumentError as {@link matchesUsingParentResults}.
   */
  matchesUsingParentInfo(path: string, parentInfo: MatchInfo, out: MatchInfo | undefined): boolean {
    const entries = this.#entries;
    const hasParent = parentInfo.length !== 0;
    if (hasParent && parentInfo.length !== entries.length) {
      throw new InvalidArgumentError(`wrong number of values in parentMatched: got ${parentInfo.length}, expected ${entries.length}`);
    }
    let matched = false;
    let parent: string | undefined;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      let m = hasParent && parentInfo[i] === 1;
      if (!m) {
        if (e.exclusion !== matched) {
          if (out !== undefined) out[i] = 0;
          continue;
        }
        m = this.#test(e, path);
        if (!m && !hasParent) {
          parent ??= dirPath(path);
          m = parent !== '.' && parentPrefixMatches(e, parent);
        }
      }
      if (out !== undefined) out[i] = m ? 1 : 0;
      if (m) matched = !e.exclusion;
    }
    return matched;
  }

  /**
   * Whether some include (non-`!`) pattern could match `dir` itself, one of
   * its ancestors, or any path below it. `false` is a proof: a walk that found
   * `dir` unmatched can skip it whole. `true` may be conservative (patterns
   * with `**`, escapes, or classes that can match `/`).
   */
  mayMatchUnder(dir: string): boolean {
    return this.#mayMatchUnder(dir, false);
  }

  /**
   * Whether some `!` exception could re-include `dir`, an ancestor, or a path
   * below it. `false` proves a matched (excluded) directory stays excluded
   * with everything in it, so a walk can skip it whole.
   */
  mayExceptUnder(dir: string): boolean {
    return this.#mayMatchUnder(dir, true);
  }

  #mayMatchUnder(dir: string, exclusion: boolean): boolean {
    const clean = cleanPath(dir);
    const elements = clean === '.' ? [] : clean.split('/');
    for (const e of this.#entries) {
      if (e.exclusion !== exclusion) continue;
      if (e.components === undefined || mayMatchBelowOrAt(e.components, elements)) return true;
    }
    return false;
  }

  #test(e: Entry, path: string): boolean {
    const r = testCompiled(e, path);
    if (r === undefined) {
      throw new InvalidArgumentError(`${BAD_PATTERN_TEXT} ${JSON.stringify((e.exclusion ? '!' : '') + e.pattern)}: ${e.compileError}`);
    }
    return r;
  }
}

/** Whether `e` matches `parent` or one of its ancestors (`a`, `a/b`, … of `a/b/c`); compile errors count as no match, as in moby. */
function parentPrefixMatches(e: CompiledPattern, parent: string): boolean {
  let from = 0;
  for (;;) {
    const idx = parent.indexOf('/', from);
    if (testCompiled(e, idx === -1 ? parent : parent.slice(0, idx)) === true) return true;
    if (idx === -1) return false;
    from = idx + 1;
  }
}

/**
 * moby's package function `Matches(file, patterns)` (legacy single-parent
 * semantics): cleans `file`; `.` never matches.
 *
 * @deprecated as in moby; use `new PatternMatcher(patterns).matchesOrParentMatches(file)`.
 * @throws InvalidArgumentError as the {@link PatternMatcher} constructor and `matches`.
 */
export function legacyMatches(file: string, patterns: readonly string[]): boolean {
  const pm = new PatternMatcher(patterns);
  const clean = cleanPath(file);
  if (clean === '.') return false;
  return pm.matches(clean);
}

/**
 * moby's package function `MatchesOrParentMatches(file, patterns)`: cleans
 * `file`; `.` never matches (excluding the whole root is never meant).
 *
 * @throws InvalidArgumentError as the {@link PatternMatcher} constructor.
 */
export function matchesOrParentMatches(file: string, patterns: readonly string[]): boolean {
  const pm = new PatternMatcher(patterns);
  const clean = cleanPath(file);
  if (clean === '.') return false;
  return pm.matchesOrParentMatches(clean);
}
