/**
 * fsutil's `FollowLinks`: turns "follow paths" (paths that must be sent even
 * if they are symlinks, such as the Dockerfile) into include patterns naming
 * each symlink on the way and its targets, recursively.
 */
import { basePath, cleanPath, dirPath, joinPath } from './go-path.js';
import { containsWildcards, matchGlob } from './glob-match.js';
import type { TreeSource } from './tree-source.js';

/**
 * Resolves `followPaths` against a tree: returns the sorted, de-duplicated
 * relative paths to add to the include patterns (each symlink met, every
 * target, and the final non-link paths; a wildcard in the last element of a
 * path expands over the directory). Absolute link targets are taken relative
 * to the walk root; targets never leave it.
 *
 * @returns `undefined` when a path resolves to the root itself: then there is
 *   nothing to restrict (fsutil returns nil).
 * @throws whatever `source` throws.
 */
export async function resolveFollowPaths(followPaths: readonly string[], source: TreeSource): Promise<string[] | undefined> {
  const resolved = new Set<string>();
  for (const p of followPaths) await appendFollowPath(p, source, resolved);
  return dedupePaths([...resolved].sort(compareGo));
}

async function appendFollowPath(p: string, source: TreeSource, resolved: Set<string>): Promise<void> {
  let current = '.';
  for (;;) {
    const slash = p.indexOf('/');
    const head = slash === -1 ? p : p.slice(0, slash);
    current = joinPath(current, head);
    const targets = await readSymlink(current, true, source);
    p = slash === -1 ? '' : p.slice(slash + 1);
    if ((p === '' || targets !== undefined) && resolved.has(current)) return;
    if (targets !== undefined) {
      resolved.add(current);
      for (const target of targets) await appendFollowPath(joinPath(target, p), source, resolved);
      return;
    }
    if (p === '') {
      resolved.add(current);
      return;
    }
  }
}

async function readSymlink(p: string, allowWildcard: boolean, source: TreeSource): Promise<string[] | undefined> {
  const base = basePath(p);
  if (allowWildcard && containsWildcards(base)) {
    const dir = dirPath(p);
    const entries = await source.readdir(dir);
    if (entries === undefined) return undefined;
    const out: string[] = [];
    for (const { name } of entries) {
      let ok = false;
      try {
        ok = matchGlob(base, name);
      } catch {
        ok = false; // fsutil ignores the error here
      }
      if (!ok) continue;
      const res = await readSymlink(joinPath(dir, name), false, source);
      if (res !== undefined) out.push(...res);
    }
    return out.length === 0 ? undefined : out;
  }
  const link = await source.readlink(p);
  if (link === undefined) return undefined;
  const clean = cleanPath(link);
  if (clean.startsWith('/')) return [clean];
  return [joinPath('/', joinPath(dirPath(p), clean))];
}

/**
 * fsutil's `dedupePaths` on a list expected sorted: drops paths under the
 * previous kept path; returns `undefined` when `.` (the root) is present,
 * meaning "no restriction".
 */
export function dedupePaths(paths: readonly string[]): string[] | undefined {
  const out: string[] = [];
  // Starting from '' (as Go does) also drops rooted paths: "/x" starts with "" + "/".
  let last = '';
  for (const s of paths) {
    if (s === '.') return undefined;
    if (s.startsWith(last + '/')) continue;
    out.push(s);
    last = s;
  }
  return out;
}

/**
 * Include patterns for a walk given explicit include patterns and resolved
 * follow paths, as fsutil's `NewFilterFS` merges them: targets are appended
 * and the list de-duplicated (which drops all restriction if any is `.`).
 */
export function mergeFollowedPaths(includePatterns: readonly string[] | undefined, followed: readonly string[] | undefined): string[] | undefined {
  if (followed === undefined) return includePatterns === undefined ? undefined : [...includePatterns];
  return dedupePaths([...(includePatterns ?? []), ...followed]);
}

/** Go's byte-wise string order (UTF-16 order differs only for astral characters against U+E000–U+FFFF). */
function compareGo(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
