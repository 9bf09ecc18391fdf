/** What a COPY/ADD source string is: a URL, a git reference, or a path (BuildKit's `isHTTPSource`, `isGitSource`). */
import { InvalidArgumentError } from '@kiln/errors';

/** True for git references ADD would clone: `git@host:path`, `git://`, `ssh://`, or an http(s) URL whose path ends in `.git`. */
export function isGitSource(src: string): boolean {
  if (/^git@[^:]+:/.test(src) || src.startsWith('git://') || src.startsWith('ssh://')) return true;
  if (!/^https?:\/\//.test(src)) return false;
  const path = src.replace(/^https?:\/\/[^/]*/, '').replace(/[?#].*$/, '');
  return path.endsWith('.git');
}

/** True for http(s) URLs that are not git references. */
export function isHttpSource(src: string): boolean {
  return /^https?:\/\//.test(src) && !isGitSource(src);
}

/** The file name an ADD of `url` writes: the last path element, or `__unnamed__` (BuildKit's rule). */
export function httpFilename(url: string): string {
  const path = url.replace(/^https?:\/\/[^/?#]*/, '').replace(/[?#].*$/, '');
  const parts = path.split('/').filter((p) => p !== '');
  const base = parts[parts.length - 1];
  return base === undefined || base === '.' ? '__unnamed__' : decodeURIComponentSafe(base);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const digestHexLength: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/** Checks an `ADD --checksum` digest as go-digest does; throws InvalidArgumentError with its messages. */
export function checkChecksum(checksum: string): void {
  const colon = checksum.indexOf(':');
  if (colon <= 0 || colon === checksum.length - 1) throw new InvalidArgumentError(`invalid checksum digest format: ${JSON.stringify(checksum)}`);
  const algorithm = checksum.slice(0, colon);
  const hex = checksum.slice(colon + 1);
  const length = digestHexLength[algorithm];
  if (length === undefined || !Object.hasOwn(digestHexLength, algorithm)) {
    throw new InvalidArgumentError(`unsupported digest algorithm: ${JSON.stringify(checksum)}`);
  }
  if (hex.length !== length || !/^[a-f0-9]+$/.test(hex)) throw new InvalidArgumentError(`invalid checksum digest format: ${JSON.stringify(checksum)}`);
}

/** True when a path has glob characters (BuildKit's `containsWildcards`). */
export function containsWildcards(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name[i];
    if (ch === '*' || ch === '?' || ch === '[') return true;
    if (ch === '\\') i++;
  }
  return false;
}
