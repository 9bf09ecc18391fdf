/**
 * POSIX path arithmetic for paths inside an image (Go's `path.Clean` and
 * `path.Join`, BuildKit's `system.NormalizePath` for Linux), without Node.
 */

/** Go's `path.Clean`: the shortest equivalent path; `''` becomes `.`. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** Go's `path.Join`: the non-empty parts joined with `/` and cleaned; `''` when all are empty. */
export function joinPath(...parts: readonly string[]): string {
  const kept = parts.filter((p) => p !== '');
  return kept.length === 0 ? '' : cleanPath(kept.join('/'));
}

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
