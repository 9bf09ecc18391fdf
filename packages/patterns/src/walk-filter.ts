/**
 * The decisions of fsutil's filtered walk (`NewFilterFS(...).Walk`), as a
 * pure state machine the walker feeds: BuildKit filters a build context
 * (`.dockerignore`, include patterns, follow paths) and COPY sources
 * (`--exclude`, `--parents` patterns) this way.
 */
import { InvalidArgumentError } from '@kiln/errors';
import { NO_MATCH_INFO, PatternMatcher, type MatchInfo } from './pattern-matcher.js';

/**
 * What the walker does next, with Go `fs.SkipDir` meaning: `skip-dir` on a
 * directory skips its contents; on a file, the rest of the file's directory.
 */
export type WalkAction = 'continue' | 'skip-dir';

/**
 * Receives each entry that passes the filter, in walk order. `delayed` is true
 * for a directory that did not match itself and is passed on only now, because
 * something below it did (it comes right before that descendant). Returning
 * `skip-dir` has Go's `fs.SkipDir` meaning for that entry.
 */
export type WalkEmit<T> = (path: string, entry: T, delayed: boolean) => WalkAction | void;

/** Patterns of a filtered walk (fsutil `FilterOpt` without `Map`; resolve follow paths first with `resolveFollowPaths` and `mergeFollowedPaths`). */
export interface WalkFilterOptions {
  /** Only paths matching these (or below a match) pass. Empty or absent: no restriction. */
  readonly includePatterns?: readonly string[] | undefined;
  /** Paths matching these (or below a match) are dropped, unless a `!` exception re-includes them. */
  readonly excludePatterns?: readonly string[] | undefined;
  /** Skip directories nothing below which can pass (default true). Output is the same either way; only the work differs. */
  readonly prune?: boolean | undefined;
}

interface Frame<T> {
  readonly pathWithSlash: string;
  readonly path: string;
  readonly entry: T;
  readonly includeInfo: MatchInfo;
  readonly excludeInfo: MatchInfo;
  emitted: boolean;
  skipped: boolean;
}

/**
 * One filtered walk. Feed it every entry of a depth-first walk in pre-order
 * (a directory before its contents, its contents before its next sibling;
 * fsutil sorts siblings by name) with {@link WalkFilter.visit}. It prunes
 * directories nothing below which can pass, holds back directories that do not
 * match themselves until something inside them passes, and forwards entries to
 * `emit`. Not reusable across walks: create one per walk.
 */
export class WalkFilter<T = unknown> {
  /** The include matcher, `undefined` without include patterns. */
  readonly include: PatternMatcher | undefined;
  /** The exclude matcher, `undefined` without exclude patterns. */
  readonly exclude: PatternMatcher | undefined;
  readonly #stack: Frame<T>[] = [];
  readonly #prune: boolean;

  /**
   * @throws InvalidArgumentError (`invalid includepatterns: …` /
   *   `invalid excludepatterns: …`) for a pattern the matcher rejects.
   */
  constructor(options: WalkFilterOptions) {
    this.include = matcherFor(options.includePatterns, 'includepatterns');
    this.exclude = matcherFor(options.excludePatterns, 'excludepatterns');
    this.#prune = options.prune ?? true;
  }

  /**
   * Offers one walk entry. `path` is `/`-separated and relative to the walk
   * root, without a leading `/` (the root itself is not offered). `entry` is
   * the walker's own data (a stat), handed back through `emit`, possibly later
   * for held-back directories.
   *
   * @returns what the walker must do: `skip-dir` for a pruned directory, or
   *   whatever `emit` asked for.
   * @throws InvalidArgumentError when a pattern that must be tried does not
   *   compile (`failed to match includepatterns: …`).
   */
  visit(path: string, isDir: boolean, entry: T, emit: WalkEmit<T>): WalkAction {
    const stack = this.#stack;
    while (stack.length !== 0 && !path.startsWith(stack[stack.length - 1]!.pathWithSlash)) stack.pop();
    const parent = stack.length === 0 ? undefined : stack[stack.length - 1]!;

    let skip = false;
    let includeInfo = NO_MATCH_INFO;
    let excludeInfo = NO_MATCH_INFO;
    if (this.include !== undefined) {
      if (isDir) includeInfo = new Uint8Array(this.include.patterns.length);
      const m = evaluate(this.include, path, parent?.includeInfo ?? NO_MATCH_INFO, isDir ? includeInfo : undefined, 'includepatterns');
      if (!m) {
        // Nothing below can match: skip the whole directory.
        if (isDir && this.#prune && !this.include.mayMatchUnder(path)) return 'skip-dir';
        skip = true;
      }
    }
    if (this.exclude !== undefined) {
      if (isDir) excludeInfo = new Uint8Array(this.exclude.patterns.length);
      const m = evaluate(this.exclude, path, parent?.excludeInfo ?? NO_MATCH_INFO, isDir ? excludeInfo : undefined, 'excludepatterns');
      if (m) {
        // No exception can re-include anything below: skip the whole directory.
        if (isDir && this.#prune && !this.exclude.mayExceptUnder(path)) return 'skip-dir';
        skip = true;
      }
    }

    const frame: Frame<T> | undefined = isDir
      ? { path, pathWithSlash: path + '/', entry, includeInfo, excludeInfo, emitted: false, skipped: false }
      : undefined;
    try {
      if (skip) return 'continue';
      for (const held of stack) {
        if (held.skipped) return 'skip-dir';
        if (held.emitted) continue;
        held.emitted = true;
        if (emit(held.path, held.entry, true) === 'skip-dir') {
          held.skipped = true;
          return 'skip-dir';
        }
      }
      if (frame !== undefined) frame.emitted = true;
      return emit(path, entry, false) === 'skip-dir' ? 'skip-dir' : 'continue';
    } finally {
      if (frame !== undefined) stack.push(frame);
    }
  }

  /**
   * Whether the filter lets `path` be opened (fsutil `filterFS.Open`): it must
   * match the include patterns (or be below a match) and must not be excluded.
   *
   * @throws InvalidArgumentError when a pattern that must be tried does not compile.
   */
  canOpen(path: string): boolean {
    if (this.include !== undefined && !this.include.matchesOrParentMatches(path)) return false;
    if (this.exclude !== undefined && this.exclude.matchesOrParentMatches(path)) return false;
    return true;
  }
}

/**
 * A {@link WalkFilter} for `options`.
 *
 * @throws InvalidArgumentError for a pattern the matcher rejects.
 */
export function createWalkFilter<T = unknown>(options: WalkFilterOptions): WalkFilter<T> {
  return new WalkFilter<T>(options);
}

function matcherFor(patterns: readonly string[] | undefined, what: string): PatternMatcher | undefined {
  if (patterns === undefined || patterns.length === 0) return undefined;
  try {
    return new PatternMatcher(patterns);
  } catch (err) {
    throw new InvalidArgumentError(`invalid ${what}: ${JSON.stringify(patterns)}: ${(err as Error).message}`, { cause: err });
  }
}

function evaluate(pm: PatternMatcher, path: string, parentInfo: MatchInfo, out: MatchInfo | undefined, what: string): boolean {
  try {
    return pm.matchesUsingParentInfo(path, parentInfo, out);
  } catch (err) {
    throw new InvalidArgumentError(`failed to match ${what} for ${JSON.stringify(path)}: ${(err as Error).message}`, { cause: err });
  }
}
