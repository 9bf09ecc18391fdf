import path from 'node:path';
import { secureJoin } from '@kiln/executor';

/**
 * Resolves `unsafePath` inside the host directory `root` as a process chrooted
 * into `root` would (continuity's `fs.RootPath`): the executor's `secureJoin`,
 * which the copier shares so that both sides of kiln confine paths the same way.
 */
export const resolveInRoot = secureJoin;

/** The path of `hostPath` relative to `root`, `/`-rooted (for messages): `/usr/bin`. */
export function displayPath(root: string, hostPath: string): string {
  const rel = path.relative(root, hostPath);
  return rel === '' ? '/' : `/${rel}`;
}
