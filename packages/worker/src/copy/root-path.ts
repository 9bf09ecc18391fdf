import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from '@kiln/errors';

const maxSymlinks = 255;

/**
 * Resolves `unsafePath` inside the host directory `root` as a process chrooted
 * into `root` would (continuity's `fs.RootPath`): every symlink met is
 * followed with `root` as `/`, and `..` never climbs above `root`. Missing
 * components are kept as named. With `followFinal` false the last component
 * is not followed even when it is a symlink (the link itself is meant).
 *
 * The result is an absolute host path equal to `root` or below it, so
 * nothing outside `root` is ever reached through it (as long as nobody
 * changes the tree while it is used: the worker owns the trees it copies).
 *
 * @throws InvalidArgumentError on a symlink loop (more than 255 links).
 */
export function resolveInRoot(root: string, unsafePath: string, followFinal = true): string {
  const pending = unsafePath.split('/').filter((p) => p !== '' && p !== '.');
  const resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = path.join(root, ...resolved, part);
    let target: string | undefined;
    if (followFinal || pending.length > 0) {
      try {
        if (fs.lstatSync(candidate).isSymbolicLink()) target = fs.readlinkSync(candidate);
      } catch {
        // Missing: nothing to follow, keep the name.
      }
    }
    if (target === undefined) {
      resolved.push(part);
      continue;
    }
    if (++links > maxSymlinks) throw new InvalidArgumentError(`too many levels of symbolic links resolving ${JSON.stringify(unsafePath)}`);
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
  }
  return path.join(root, ...resolved);
}

/** The path of `hostPath` relative to `root`, `/`-rooted (for messages): `/usr/bin`. */
export function displayPath(root: string, hostPath: string): string {
  const rel = path.relative(root, hostPath);
  return rel === '' ? '/' : `/${rel}`;
}
