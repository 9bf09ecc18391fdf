/**
 * POSIX path arithmetic for paths inside an image (BuildKit's
 * `system.NormalizePath` for Linux), without Node, on Go's `path.Clean` and
 * `path.Join` from `@kiln/patterns`.
 */
import { cleanPath, joinPath } from '@kiln/patterns';

export { cleanPath, joinPath };

/**
 * BuildKit's `NormalizePath` on Linux: `p` resolved against `parent` (when
 * relative) and cleaned; with `keepSlash`, a trailing `/` (or `/.`) of the
 * input survives, because it means "into this directory".
 */
export function normalizePath(parent: string, p: string, keepSlash: boolean): string {
  const joined = p.startsWith('/') ? cleanPath(p) : cleanPath(joinPath(parent === '' ? '/' : parent, p) || '/');
  let out = joined;
  if (keepSlash) {
    if (p.endsWith('/') && !out.endsWith('/')) out += '/';
    else if (p.endsWith('/.')) out = out === '/' ? '/.' : `${out}/.`;
  }
  return out;
}

/** BuildKit's `NormalizeWorkdir`: a relative WORKDIR continues from the current one; the result is absolute and clean. */
export function normalizeWorkdir(current: string, requested: string): string {
  if (requested === '') return current === '' ? '/' : current;
  if (requested.startsWith('/')) return cleanPath(requested);
  return cleanPath(joinPath(current === '' ? '/' : current, requested));
}

/** A destination as COPY and RUN mounts read it: absolute paths as they are, relative ones below `workdir`, `.` and `''` meaning the workdir itself (with a slash). */
export function pathRelativeToWorkdir(workdir: string, p: string): string {
  if (p.startsWith('/')) return normalizePath('/', p, true);
  return normalizePath(workdir, p === '.' || p === '' ? './' : p, true);
}
