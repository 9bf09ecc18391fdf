import { InvalidArgumentError } from '@kiln/errors';
import { familiarName, normalizeReference, parseReference, referenceToString, type ImageReference } from '@kiln/oci';

/**
 * The name an image is stored under: the fully normalised reference
 * (`busybox` → `docker.io/library/busybox:latest`; a digest reference keeps
 * only its digest, as docker does).
 *
 * @throws InvalidArgumentError quoting a malformed reference.
 */
export function storedImageName(ref: string): string {
  return referenceToString(normalizeReference(parseReference(ref)));
}

/** Docker's columns for a stored name: repository (familiar), tag or `<none>`, digest or `<none>`. */
export function displayName(name: string): { repository: string; tag: string; digest: string; familiar: string } {
  let ref: ImageReference;
  try {
    ref = parseReference(name);
  } catch {
    return { repository: name, tag: '<none>', digest: '<none>', familiar: name }; // a name another tool stored
  }
  const repository = familiarName(ref);
  const tag = ref.tag ?? '<none>';
  const digest = ref.digest ?? '<none>';
  return { repository, tag, digest, familiar: `${repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}` };
}

/** The registry host part of a `kiln login` argument: `https://index.docker.io/v1/`, `index.docker.io` and `docker.io` all mean Docker Hub. */
export function loginHost(server: string): string {
  const host = server.trim().replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
  if (host === '') throw new InvalidArgumentError(`registry host ${JSON.stringify(server)} is empty`);
  if (host === 'index.docker.io' || host === 'registry-1.docker.io') return 'docker.io';
  return host;
}

/** True for something that can only be an image ID (a full or abbreviated config digest): 64 hex digits, or `sha256:` and hex. */
export function looksLikeImageId(ref: string): boolean {
  return /^sha256:[0-9a-f]{1,64}$/.test(ref) || /^[0-9a-f]{64}$/.test(ref);
}

/** True for what docker would also try as an image ID once no name matches: at least 3 hex digits. */
export function mayBeImageId(ref: string): boolean {
  return looksLikeImageId(ref) || /^[0-9a-f]{3,64}$/.test(ref);
}
