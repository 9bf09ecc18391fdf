import fs from 'node:fs';
import path from 'node:path';

/**
 * The executable `name` as a path: `name` itself when it contains a slash and
 * exists, otherwise the first executable of that name on PATH (or the usual
 * system directories when PATH is unset); undefined when there is none.
 */
export function which(name: string): string | undefined {
  if (name.includes('/')) return fs.existsSync(name) ? name : undefined;
  for (const dir of (process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}
