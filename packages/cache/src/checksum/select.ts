import { createHash } from 'node:crypto';
import { NotFoundError } from '@kiln/errors';
import { PatternMatcher, cleanPath, containsWildcards, matchGlob } from '@kiln/patterns';
import type { ContentChecksum } from '../contract.js';
import { compareTreeOrder } from './tree-index.js';
import type { TreeEntry } from './tree-entry.js';

/** Most per-file digests returned in `files` (the rest are still part of the digest). */
export const maxFileDigests = 5000;

/** Symlink hops allowed while resolving one path, as Linux's MAXSYMLINKS. */
const maxHops = 40;

/** Options of {@link checksumEntries}. */
export interface SelectOptions {
  /** Follow a symlink named by a selector's last component (COPY does); intermediate components are always followed. */
  readonly followSymlinks?: boolean;
  /** `.dockerignore`-style patterns, relative to each selected path, whose matches are left out. */
  readonly excludePatterns?: readonly string[];
}

/**
 * Looks paths up in one tree's sorted index, resolving symlinks inside the
 * tree only: an absolute target starts again at the tree's root and `..`
 * stops there, as a chroot would. Nothing outside the tree can be reached.
 */
class IndexedTree {
  readonly #byPath = new Map<string, TreeEntry>();
  readonly #sorted: readonly TreeEntry[];

  constructor(entries: readonly TreeEntry[]) {
    this.#sorted = entries;
    for (const e of entries) this.#byPath.set(e.path, e);
  }

  get(path: string): TreeEntry | undefined {
    return this.#byPath.get(path);
  }

  /** `path`, resolved; `undefined` when a component is missing. */
  resolve(path: string, followLast: boolean): string | undefined {
    let pending = split(path);
    let done: string[] = [];
    for (let hops = 0; pending.length > 0; ) {
      const name = pending.shift()!;
      if (name === '..') {
        done.pop();
        continue;
      }
      const candidate = [...done, name].join('/');
      const entry = this.#byPath.get(candidate);
      if (entry === undefined) return undefined;
      if (entry.kind === 'symlink' && (pending.length > 0 || followLast)) {
        if (++hops > maxHops) return undefined;
        const target = entry.target ?? '';
        if (target.startsWith('/')) done = [];
        pending = [...split(target), ...pending];
        continue;
      }
      done.push(name);
    }
    return done.join('/');
  }

  /** The entries at and below `path` (a resolved path), in index order. */
  subtree(path: string): TreeEntry[] {
    const out: TreeEntry[] = [];
    const start = this.#lowerBound(path);
    for (let i = start; i < this.#sorted.length; i++) {
      const e = this.#sorted[i]!;
      if (path !== '' && e.path !== path && !e.path.startsWith(`${path}/`)) break;
      out.push(e);
    }
    return out;
  }

  /** The names directly inside directory `dir`. */
  children(dir: string): string[] {
    const prefix = dir === '' ? '' : `${dir}/`;
    return this.subtree(dir)
      .filter((e) => e.path !== dir && !e.path.slice(prefix.length).includes('/'))
      .map((e) => e.path.slice(prefix.length));
  }

  #lowerBound(path: string): number {
    let lo = 0;
    let hi = this.#sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareTreeOrder(this.#sorted[mid]!.path, path) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function split(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}

/** A selector as a tree path: cleaned, relative, `''` for the root. */
function treePath(selector: string): string {
  const clean = cleanPath(`/${selector}`);
  return clean === '/' ? '' : clean.slice(1);
}

/** Expands a selector with wildcards into the resolved paths it names, in tree order. */
function expand(tree: IndexedTree, selector: string): string[] {
  let current = [''];
  for (const part of split(selector)) {
    const next: string[] = [];
    for (const dir of current) {
      if (!containsWildcards(part)) {
        const hit = tree.resolve(dir === '' ? part : `${dir}/${part}`, false);
        if (hit !== undefined) next.push(hit);
        continue;
      }
      const resolvedDir = tree.resolve(dir, true);
      if (resolvedDir === undefined || tree.get(resolvedDir)?.kind !== 'dir') continue;
      for (const name of tree.children(resolvedDir)) if (matchGlob(part, name)) next.push(resolvedDir === '' ? name : `${resolvedDir}/${name}`);
    }
    current = next;
  }
  return current;
}

/**
 * The content checksum of `selectors` in a tree given by its index: for
 * each selector, the paths it names (wildcards expanded, symlinks resolved
 * inside the tree) and, for each, every entry at or below it with its path
 * relative to that point and its record digest. Per-file digests (by tree
 * path) are returned for explaining cache misses, at most
 * {@link maxFileDigests}.
 *
 * @throws NotFoundError when a selector without wildcards names nothing
 *   (BuildKit: `"/missing": not found`); a wildcard matching nothing adds
 *   nothing.
 */
export function checksumEntries(entries: readonly TreeEntry[], selectors: readonly string[], options: SelectOptions = {}): ContentChecksum {
  const tree = new IndexedTree(entries);
  const exclude = options.excludePatterns !== undefined && options.excludePatterns.length > 0 ? new PatternMatcher(options.excludePatterns) : undefined;
  const hash = createHash('sha256');
  const files: Record<string, string> = {};
  let fileCount = 0;
  for (const selector of selectors.length === 0 ? ['/'] : selectors) {
    const wanted = treePath(selector);
    let paths: string[];
    if (containsWildcards(wanted)) {
      paths = expand(tree, wanted).map((p) => (options.followSymlinks === true ? (tree.resolve(p, true) ?? p) : p));
    } else {
      const hit = tree.resolve(wanted, options.followSymlinks === true);
      if (hit === undefined) throw new NotFoundError(`${JSON.stringify(`/${wanted}`)}: not found`);
      paths = [hit];
    }
    hash.update(`selector ${JSON.stringify(wanted)}\n`);
    for (const at of paths) {
      hash.update(`at ${JSON.stringify(at)}\n`);
      for (const e of tree.subtree(at)) {
        const rel = e.path === at ? '' : e.path.slice(at === '' ? 0 : at.length + 1);
        if (exclude !== undefined && rel !== '' && exclude.matchesOrParentMatches(rel)) continue;
        hash.update(`${JSON.stringify(rel)} ${e.digest}\n`);
        if (e.kind !== 'dir' && fileCount < maxFileDigests && !(e.path in files)) {
          files[e.path] = e.digest;
          fileCount++;
        }
      }
    }
  }
  return { digest: `sha256:${hash.digest('hex')}`, files };
}
