import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, NotFoundError } from '@kiln/errors';
import type { FileCopy } from '@kiln/llb';
import { cleanPath, containsWildcards, resolveWildcardSources, type SourceDirEntry } from '@kiln/patterns';
import { parseChmod } from './chmod.js';
import { Copier, lstatOrUndefined, type CopierOptions } from './copier.js';
import { resolveOwner } from './owner.js';
import { resolveInRoot } from './root-path.js';
import { isTarArchive, unpackArchive } from './unpack.js';

/** One copy action between two host directories. */
export interface CopyActionRequest {
  /** The source tree (mounted read-only or a plain directory); nothing outside it is read. */
  readonly srcRoot: string;
  /** The destination tree; nothing outside it is written. */
  readonly destRoot: string;
  readonly action: FileCopy;
  readonly signal?: AbortSignal | undefined;
  /** `srcRoot` is an immutable snapshot's own directory: its files may be hard-linked into the destination. */
  readonly srcImmutable?: boolean | undefined;
  /** How to write below `destRoot` without going through its mount, when it is one. */
  readonly direct?: DirectDestination | undefined;
}

/**
 * The directory behind a mounted destination tree (an overlay's upper
 * directory, or the tree itself when it is not mounted), where a new
 * directory can be filled with hard links to an immutable source.
 */
export interface DirectDestination {
  /** A path `p` below it shows up as `destRoot/p` once the tree is mounted again. */
  readonly dir: string;
  /** Unmounts `destRoot` (a no-op when it is not a mount). The caller mounts it again for whatever follows. */
  detach(): Promise<void>;
}

/**
 * Runs one llb copy action with BuildKit's semantics (`docopy` over fsutil's
 * `Copy`):
 * - `src` is clamped to the source root (leading `/` and `..` cannot leave it);
 *   with `allowWildcard` it may match several entries (Go `filepath.Match`),
 *   none is fine with `allowEmptyWildcard`;
 * - `dest` ending in `/` (or `/.`) is a directory, created with its parents
 *   (0755, `--chown` owner) when `createDestPath`; a file source over an
 *   existing directory, or a directory source without `dirCopyContents` over
 *   an existing one, lands inside it under its base name; several sources need
 *   a directory destination;
 * - `followSymlink` resolves a source that is itself a symlink (inside the
 *   source root only); links below it are copied as links;
 * - `owner` names are resolved in the destination's /etc/passwd and
 *   /etc/group; `mode` is octal or symbolic;
 * - `attemptUnpackDockerCompatibility` extracts local tar archives (any
 *   compression) into `dest` instead of copying them;
 * - `parents` keeps the source's directories below `dest` (a `/./` in `src`
 *   marks where the kept part starts).
 *
 * @throws NotFoundError when a source (or a wildcard's directory) is missing,
 *   or when `createDestPath` is false and the destination's parent is.
 * @throws InvalidArgumentError for a bad `--chmod`, several sources onto a non-directory.
 * @throws FailedPreconditionError for a file over a directory (and back) without
 *   `alwaysReplaceExistingDestPaths`.
 */
export async function copyAction(request: CopyActionRequest): Promise<void> {
  const { srcRoot, destRoot, signal } = request;
  let action = request.action;
  if (action.parents === true) action = await parentsAsIncludePattern(action, srcRoot);
  const destIsDir = /\/\.?$/.test(action.dest) || action.dest === '' || action.dest === '.';
  const dest = cleanPath(`/${action.dest}`);
  if (!action.createDestPath) {
    const parent = resolveInRoot(destRoot, path.posix.dirname(dest));
    if (lstatOrUndefined(parent) === undefined) throw new NotFoundError(`destination directory ${JSON.stringify(path.posix.dirname(dest))} does not exist`);
  }
  const options = {
    destRoot,
    owner: resolveOwner(destRoot, action.owner),
    mode: action.mode === undefined ? undefined : parseChmod(action.mode),
    timestamp: action.timestamp,
    includePatterns: action.includePatterns,
    excludePatterns: action.excludePatterns,
    alwaysReplaceExistingDestPaths: action.alwaysReplaceExistingDestPaths,
    signal,
  };
  const copier = new Copier(options);

  const src = cleanPath(`/${action.src}`);
  let sources: string[];
  if (action.allowWildcard && containsWildcards(src)) {
    sources = await resolveWildcardSources(src, treeSource(srcRoot));
    if (sources.length === 0) {
      if (action.allowEmptyWildcard) return;
      throw new NotFoundError(`no source files were specified: ${JSON.stringify(action.src)} matches nothing`);
    }
  } else {
    sources = [src === '/' ? '.' : src.slice(1)];
  }

  const ensure = destIsDir ? dest : path.posix.dirname(dest);
  await copier.mkdirAll(resolveInRoot(destRoot, ensure));
  const destResolved = resolveInRoot(destRoot, dest);
  if (sources.length > 1 && !destIsDir && !fs.statSync(destResolved, { throwIfNoEntry: false })?.isDirectory()) {
    throw new InvalidArgumentError(`${JSON.stringify(action.src)} matches ${sources.length} files, so the destination must be a directory and end with a /; got ${JSON.stringify(action.dest)}`);
  }

  for (const s of sources) {
    signal?.throwIfAborted();
    const srcFollowed = resolveInRoot(srcRoot, s, action.followSymlink);
    const st = lstatOrUndefined(srcFollowed);
    if (st === undefined) throw new NotFoundError(`source ${JSON.stringify('/' + (s === '.' ? '' : s))} not found`);
    if (action.attemptUnpackDockerCompatibility && st.isFile() && (await isTarArchive(srcFollowed, signal))) {
      await copier.mkdirAll(destResolved);
      await unpackArchive(srcFollowed, destResolved, destRoot, signal);
      continue;
    }
    // fsutil prepareTargetDir: into an existing directory, under the source's own name.
    const destSt = fs.statSync(destResolved, { throwIfNoEntry: false });
    let target = destResolved;
    if ((!action.dirCopyContents && st.isDirectory() && destSt !== undefined) || (!st.isDirectory() && destSt?.isDirectory())) {
      target = path.join(destResolved, path.posix.basename(s === '.' ? '' : s));
    }
    await copier.mkdirAll(st.isDirectory() && !action.dirCopyContents ? target : path.dirname(target));
    if (sources.length === 1 && st.isDirectory() && (await copyIntoNewDir(request, options, srcFollowed, target))) return;
    await copier.copy(srcFollowed, target, false);
  }
}

/**
 * The fast path of a directory copy into a directory that is new or empty
 * (`COPY . /app`, `COPY . /app/`): the directory is made (or, when it
 * exists, copied up) through the mounted tree, so overlayfs deals with its
 * parents and with whiteouts; then the tree is unmounted and the copy fills
 * the directory where it really lives, hard-linking files of an immutable
 * source instead of copying their bytes. Writing there while the overlay is
 * unmounted is safe; writing below a mounted overlay is not. The result is
 * the one the usual path gives: a directory the copy creates takes the
 * source's metadata, an existing one keeps its own. False (nothing written
 * but, at most, a copied-up directory) when the fast path does not apply.
 */
async function copyIntoNewDir(request: CopyActionRequest, options: CopierOptions, src: string, target: string): Promise<boolean> {
  const { direct, destRoot } = request;
  // Include patterns decide the top directory's metadata differently when it is created by the walk; keep those on the usual path.
  if (direct === undefined || request.srcImmutable !== true || (options.includePatterns?.length ?? 0) > 0) return false;
  const rel = path.relative(destRoot, target);
  if (rel === '' || rel.startsWith('..')) return false;
  const inner = path.join(direct.dir, rel);
  const existing = lstatOrUndefined(target);
  const created = existing === undefined;
  if (created) fs.mkdirSync(target, 0o700);
  else {
    if (!existing.isDirectory() || fs.readdirSync(target).length > 0) return false;
    // A directory of a lower layer is copied up by creating something in it.
    const probe = path.join(target, `.kiln-copy-up-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.unlinkSync(probe);
    // Whiteouts of entries deleted earlier would collide with the names the copy writes.
    if (fs.readdirSync(inner).length > 0) return false;
  }
  await direct.detach();
  const copier = new Copier({ ...options, destRoot: direct.dir, linkFiles: true });
  await copier.copy(src, inner, created, true);
  return true;
}

/** BuildKit's conversion of `--parents`: copy from the pivot (before `/./`, else the root) with the rest as an include pattern. */
async function parentsAsIncludePattern(action: FileCopy, srcRoot: string): Promise<FileCopy> {
  const cut = action.src.indexOf('/./');
  const pivot = cut === -1 ? '/' : cleanPath(`/${action.src.slice(0, cut)}`);
  const pattern = cleanPath(`/${cut === -1 ? action.src : action.src.slice(cut + 3)}`).slice(1);
  if (!containsWildcards(pattern)) {
    const full = resolveInRoot(srcRoot, path.posix.join(pivot, pattern), action.followSymlink);
    if (lstatOrUndefined(full) === undefined) throw new NotFoundError(`source ${JSON.stringify(action.src)} not found`);
  }
  return {
    ...action,
    src: pivot,
    parents: false,
    allowWildcard: false,
    dirCopyContents: true,
    includePatterns: [...(action.includePatterns ?? []), pattern],
  };
}

function treeSource(root: string): { readdir(p: string): SourceDirEntry[] | undefined } {
  return {
    readdir(p: string) {
      const dir = resolveInRoot(root, p);
      try {
        return fs.readdirSync(dir, { withFileTypes: true }).map((d) => ({ name: d.name, isDir: d.isDirectory() }));
      } catch {
        return undefined;
      }
    },
  };
}
