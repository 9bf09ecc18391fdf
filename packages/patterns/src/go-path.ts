/**
 * POSIX path helpers with the exact results of Go's `path/filepath` on Unix,
 * because pattern preparation and parent matching in BuildKit are defined in
 * terms of `filepath.Clean`, `filepath.Dir` and `filepath.Join`.
 */

const SLASH = 47; // '/'

/**
 * Go `filepath.Clean` for `/`-separated paths: collapses `//` and `/./`,
 * resolves `..` lexically (never above `/` for rooted paths; kept as leading
 * `..` for relative ones), drops a trailing `/`, and returns `.` for an empty
 * result. Never touches the filesystem.
 */
export function cleanPath(path: string): string {
  if (path === '') return '.';
  if (isClean(path)) return path;
  const rooted = path.charCodeAt(0) === SLASH;
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/** Whether `cleanPath(path)` would return `path` unchanged: the common case, checked without allocating. */
function isClean(path: string): boolean {
  const n = path.length;
  if (n === 1) return true; // ".", "/" and any one-character name are clean
  if (path.charCodeAt(n - 1) === SLASH) return false;
  let start = 0;
  for (let i = 0; i <= n; i++) {
    if (i < n && path.charCodeAt(i) !== SLASH) continue;
    const len = i - start;
    if (len === 0) {
      if (i !== 0) return false; // "//"; only the root may be empty
    } else if (path.charCodeAt(start) === 46 && (len === 1 || (len === 2 && path.charCodeAt(start + 1) === 46))) {
      return false; // "." or ".." element: let the slow path decide
    }
    start = i + 1;
  }
  return true;
}

/**
 * Go `filepath.Dir`: everything before the last `/`, cleaned; `.` when there
 * is no `/`, `/` for a file in the root.
 */
export function dirPath(path: string): string {
  const i = path.lastIndexOf('/');
  return cleanPath(path.slice(0, i + 1));
}

/** Go `filepath.Base`: the last element, `.` for an empty path, `/` for the root. */
export function basePath(path: string): string {
  if (path === '') return '.';
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === SLASH) end--;
  if (end === 0) return '/';
  const trimmed = path.slice(0, end);
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Go `filepath.Join`: joins the non-empty elements with `/` and cleans; `''` when all are empty. */
export function joinPath(...elements: string[]): string {
  const kept = elements.filter((e) => e !== '');
  return kept.length === 0 ? '' : cleanPath(kept.join('/'));
}

/** Splits a `/`-separated path into its elements (Go `strings.Split(p, "/")`: empty elements kept). */
export function splitPath(path: string): string[] {
  return path.split('/');
}

/**
 * Go `strings.TrimSpace`: trims Unicode white space as Go defines it, which
 * differs from `String.prototype.trim` (Go trims U+0085 but not U+FEFF).
 */
export function trimGoSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isGoSpace(s.charCodeAt(start))) start++;
  while (end > start && isGoSpace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** Go `unicode.IsSpace` (all such code points are in the BMP). */
function isGoSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a)
    || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}
