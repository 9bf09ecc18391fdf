/**
 * @packageDocumentation
 * `.dockerignore` and `--exclude` pattern matching, exactly like moby's
 * patternmatcher and ignorefile; the Dockerfile-specific ignore file rule; and
 * the pure decisions of fsutil's filtered walk (include/exclude patterns,
 * follow paths, pruning of excluded trees) and of wildcard COPY sources.
 * All paths are POSIX, `/`-separated, relative to a root.
 */
export { PatternMatcher, NO_MATCH_INFO, legacyMatches, matchesOrParentMatches, type MatchInfo, type PatternInfo } from './pattern-matcher.js';
export { type MatchType } from './compile-pattern.js';
export { parseIgnoreFile, ignoreFileCandidates, readIgnorePatterns, DEFAULT_IGNORE_FILE } from './ignore-file.js';
export { WalkFilter, createWalkFilter, type WalkAction, type WalkEmit, type WalkFilterOptions } from './walk-filter.js';
export { resolveFollowPaths, mergeFollowedPaths, dedupePaths } from './follow-links.js';
export { splitWildcards, resolveWildcardSources } from './copy-sources.js';
export { type TreeSource, type SourceDirEntry } from './tree-source.js';
export { matchGlob, validateGlob, containsWildcards } from './glob-match.js';
export { cleanPath, dirPath, basePath, joinPath, splitPath } from './go-path.js';
