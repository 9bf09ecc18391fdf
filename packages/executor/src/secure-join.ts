import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from '@kiln/errors';

const maxSymlinks = 255;

/**
 * Resolves `unsafePath` inside the directory `root` the way the container
 * would see it: every symlink is followed as if `root` were `/`, and `..`
 * never climbs above `root`. Missing trailing components are kept as they are.
 * The result is an absolute host path that is `root` or below it.
 * Throws InvalidArgumentError on a symlink loop.
 */
export function secureJoin(root: string, unsafePath: string, followFinal = true): string {
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
        // A missing component: nothing to follow, keep the name.
      }
    }
    if (target === undefined) {
      resolved.push(part);
      continue;
    }
    if (++links > maxSymlinks) throw new InvalidArgumentError(`too many levels of symbolic links resolving "${unsafePath}"`);
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
  }
  return path.join(root, ...resolved);
}
