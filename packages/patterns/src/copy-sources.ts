/**
 * Wildcard COPY/ADD sources (fsutil copy's `ResolveWildcards`): a source whose
 * path has an unescaped `*`, `?` or `[` names every entry matching it, with Go
 * `filepath.Match` rules applied to the path below the last literal directory.
 */
import { NotFoundError } from '@kiln/errors';
import { cleanPath, joinPath } from './go-path.js';
import { containsWildcards, matchGlob } from './glob-match.js';
import type { SourceDirEntry, TreeSource } from './tree-source.js';


/**
 * Splits a source path at its first element with a wildcard (fsutil
 * `splitWildcards`): `[literal prefix, wildcard rest]`, each joined and
 * cleaned; the rest is `''` when there is no wildcard. An empty element (a
 * leading `/`) is kept as `/`.
 */
export function splitWildcards(path: string): [literal: string, wildcard: string] {
  const literal: string[] = [];
  const wildcard: string[] = [];
  let found = false;
  for (let part of path.split('/')) {
    if (!found && containsWildcards(part)) found = true;
    if (part === '') part = '/';
    (found ? wildcard : literal).push(part);
  }
  return [joinPath(...literal), joinPath(...wildcard)];
}

/**
 * The sources a COPY/ADD source path names, relative to the source root:
 * the path itself (cleaned, without a leading `/`) when it has no wildcard,
 * else every entry below the literal prefix whose relative path matches the
 * wildcard part, in walk order (lexical, depth first), not descending into
 * matched directories. An empty result is not an error here: BuildKit allows
 * wildcards that match nothing.
 *
 * @throws NotFoundError when the literal prefix of a wildcard source does not exist.
 * @throws whatever `source` throws.
 */
export async function resolveWildcardSources(path: string, source: Pick<TreeSource, 'readdir'>): Promise<string[]> {
  const [literal, wildcard] = splitWildcards(path);
  const base = toRelative(literal === '' ? '.' : literal);
  if (wildcard === '') return [base];
  const top = await source.readdir(base);
  if (top === undefined) throw new NotFoundError(`wildcard source ${JSON.stringify(path)}: directory ${JSON.stringify(base)} does not exist`);
  // '*' and '?' never cross '/', so without classes the depth is bounded by the wildcard's elements.
  const maxDepth = wildcard.includes('[') ? Infinity : wildcard.split('/').length;
  const out: string[] = [];
  const walk = async (dir: string, rel: string, entries: readonly SourceDirEntry[], depth: number): Promise<void> => {
    for (const e of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const relPath = rel === '' ? e.name : `${rel}/${e.name}`;
      const full = dir === '.' ? e.name : `${dir}/${e.name}`;
      let matched = false;
      try {
        matched = matchGlob(wildcard, relPath);
      } catch {
        matched = false; // fsutil ignores match errors here
      }
      if (matched) {
        out.push(full);
        continue;
      }
      if (e.isDir && depth < maxDepth) {
        const children = await source.readdir(full);
        if (children !== undefined) await walk(full, relPath, children, depth + 1);
      }
    }
  };
  await walk(base, '', top, 1);
  return out;
}

function toRelative(p: string): string {
  const clean = cleanPath(p);
  if (clean === '/') return '.';
  return clean.startsWith('/') ? clean.slice(1) : clean;
}
