import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { AlreadyExistsError, FailedPreconditionError, NotFoundError } from '@kiln/errors';
import type { FileMkdir, FileMkfile, FileRm, FileSymlink } from '@kiln/llb';
import { cleanPath, containsWildcards, matchGlob } from '@kiln/patterns';
import { Copier, lstatOrUndefined } from '../copy/copier.js';
import { resolveOwner } from '../copy/owner.js';
import { displayPath, resolveInRoot } from '../copy/root-path.js';

/** The parent of `p` resolved inside `root`, joined with `p`'s last name (unresolved): the entry `p` itself. */
function entryInRoot(root: string, p: string): string {
  const clean = cleanPath(`/${p}`);
  if (clean === '/') return root;
  return path.join(resolveInRoot(root, path.posix.dirname(clean)), path.posix.basename(clean));
}

/**
 * WORKDIR's mkdir (BuildKit `mkdir`): the path is resolved inside `root`
 * (symlinks followed within it); with `makeParents` missing parents are made
 * too (0755) and an existing directory is fine; mode, owner (names from the
 * tree's /etc/passwd and /etc/group) and timestamp apply to what is created.
 *
 * @throws AlreadyExistsError without `makeParents` when the path exists.
 * @throws FailedPreconditionError when a component is not a directory.
 */
export async function mkdirAction(root: string, a: FileMkdir): Promise<void> {
  const owner = resolveOwner(root, a.owner);
  const target = resolveInRoot(root, a.path);
  const st = lstatOrUndefined(target);
  if (st !== undefined) {
    if (!a.makeParents) throw new AlreadyExistsError(`mkdir ${a.path}: it exists already`);
    if (!st.isDirectory()) throw new FailedPreconditionError(`mkdir ${a.path}: ${displayPath(root, target)} exists and is not a directory`);
    return;
  }
  const parent = path.dirname(target);
  if (a.makeParents) await new Copier({ destRoot: root, owner, timestamp: a.timestamp }).mkdirAll(parent);
  else if (lstatOrUndefined(parent) === undefined) throw new NotFoundError(`mkdir ${a.path}: the parent directory does not exist`);
  await fsp.mkdir(target);
  await fsp.chmod(target, a.mode & 0o7777);
  if (owner !== undefined) await fsp.lchown(target, owner.uid, owner.gid);
  if (a.timestamp !== undefined) await fsp.lutimes(target, a.timestamp, a.timestamp);
}

/** A file with the given UTF-8 content (COPY of a heredoc), replacing a file there; mode, owner and timestamp as given. */
export async function mkfileAction(root: string, a: FileMkfile): Promise<void> {
  const owner = resolveOwner(root, a.owner);
  const target = resolveInRoot(root, a.path);
  const st = lstatOrUndefined(target);
  if (st?.isDirectory()) throw new FailedPreconditionError(`mkfile ${a.path}: ${displayPath(root, target)} is a directory`);
  if (lstatOrUndefined(path.dirname(target)) === undefined) throw new NotFoundError(`mkfile ${a.path}: the parent directory does not exist`);
  await fsp.writeFile(target, a.data, { mode: a.mode & 0o7777 });
  await fsp.chmod(target, a.mode & 0o7777);
  if (owner !== undefined) await fsp.lchown(target, owner.uid, owner.gid);
  if (a.timestamp !== undefined) await fsp.lutimes(target, a.timestamp, a.timestamp);
}

/** Removes a path (its parent resolved inside `root`, the entry itself never followed); wildcards in the last name when allowed. */
export async function rmAction(root: string, a: FileRm): Promise<void> {
  const clean = cleanPath(`/${a.path}`);
  let targets: string[];
  if (a.allowWildcard && containsWildcards(path.posix.basename(clean))) {
    const dir = resolveInRoot(root, path.posix.dirname(clean));
    const pattern = path.posix.basename(clean);
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir);
    } catch {
      names = [];
    }
    targets = names.filter((n) => matchGlob(pattern, n)).map((n) => path.join(dir, n));
  } else {
    targets = [entryInRoot(root, clean)];
  }
  const existing = targets.filter((t) => lstatOrUndefined(t) !== undefined);
  if (existing.length === 0 && !a.allowNotFound) throw new NotFoundError(`rm ${a.path}: no such file or directory`);
  for (const t of existing) {
    if (t === root) throw new FailedPreconditionError(`rm ${a.path}: refusing to remove the root`);
    await fsp.rm(t, { recursive: true, force: true });
  }
}

/** A symlink at `newpath` (its parent resolved inside `root`) pointing at `oldpath` as given. */
export async function symlinkAction(root: string, a: FileSymlink): Promise<void> {
  const owner = resolveOwner(root, a.owner);
  const target = entryInRoot(root, a.newpath);
  if (lstatOrUndefined(target) !== undefined) throw new AlreadyExistsError(`symlink ${a.newpath}: it exists already`);
  await fsp.symlink(a.oldpath, target);
  if (owner !== undefined) await fsp.lchown(target, owner.uid, owner.gid);
  if (a.timestamp !== undefined) await fsp.lutimes(target, a.timestamp, a.timestamp);
}
