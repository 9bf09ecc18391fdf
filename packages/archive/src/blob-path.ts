import { digestAlgorithm, digestHex, isDigest, type Digest } from '@kiln/oci';

/** `blobs/<algorithm>/<hex>`: where an OCI image layout (and newer `docker save`) keeps a blob, `/`-separated, relative. */
export function blobPath(digest: Digest): string {
  return `blobs/${digestAlgorithm(digest)}/${digestHex(digest)}`;
}

/** The digest an archive path names when it is `blobs/<algorithm>/<hex>` with a valid digest; otherwise `undefined`. */
export function digestOfBlobPath(name: string): Digest | undefined {
  const match = /^blobs\/([a-z0-9]+)\/([^/]+)$/.exec(name);
  if (match === null) return undefined;
  const text = `${match[1]}:${match[2]}`;
  return isDigest(text) ? text : undefined;
}

/**
 * An archive member name made comparable: `./a//b` → `a/b`, no leading `/`.
 * Returns `undefined` for names that climb out of the archive (`../x`), which
 * no image archive needs.
 */
export function normalizeMemberName(name: string): string | undefined {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}
