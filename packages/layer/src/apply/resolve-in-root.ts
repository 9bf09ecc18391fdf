import { InvalidArgumentError } from '@kiln/errors';
import path from 'node:path';

const maxSymlinks = 40;

/** What {@link resolveDirInRoot} needs to know of the tree it walks. */
export interface TreeView {
  /** The writable root; results are paths inside it. */
  readonly root: string;
  /** What is at `components` (a path with no symlinks left in it), without following a final symlink. */
  lookup(components: readonly string[]): { readonly kind: 'directory' | 'symlink' | 'other'; readonly link?: string } | undefined;
  /** Makes the missing directory `components` in the writable root (its parent exists there). */
  makeDir(components: readonly string[]): void;
}

/**
 * The real directory (as components below the root, no symlinks left) that
 * the path `components` names when every symlink on the way is resolved as
 * if the root were `/`: an absolute target starts again at the root, and `..`
 * never climbs above it. So nothing a layer put in the tree can lead a write
 * outside the root. Missing directories are made with `view.makeDir` when
 * `create` is set; otherwise a missing one gives `undefined`.
 *
 * @throws InvalidArgumentError when a component is not a directory, or a
 *   symlink chain is longer than 40 links.
 */
export function resolveDirInRoot(view: TreeView, components: readonly string[], create: boolean): string[] | undefined {
  const done: string[] = [];
  const queue = [...components];
  let links = 0;
  while (queue.length > 0) {
    const component = queue.shift()!;
    if (component === '' || component === '.') continue;
    if (component === '..') {
      done.pop();
      continue;
    }
    const next = [...done, component];
    let found = view.lookup(next);
    if (found === undefined) {
      if (!create) return undefined;
      view.makeDir(next);
      found = { kind: 'directory' };
    }
    if (found.kind === 'symlink') {
      if (++links > maxSymlinks) throw new InvalidArgumentError(`too many levels of symlinks resolving ${JSON.stringify(components.join('/'))} in the layer root`);
      const target = found.link ?? '';
      if (target.startsWith('/')) done.length = 0;
      queue.unshift(...target.split('/'));
      continue;
    }
    if (found.kind !== 'directory') {
      throw new InvalidArgumentError(`cannot resolve ${JSON.stringify(components.join('/'))} in the layer root: ${JSON.stringify(next.join('/'))} is not a directory`);
    }
    done.push(component);
  }
  return done;
}

/** The absolute path of `components` below `root`. */
export function inRoot(root: string, components: readonly string[]): string {
  return path.join(root, ...components);
}
