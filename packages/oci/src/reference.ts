import { InvalidArgumentError } from '@kiln/errors';
import { parseDigest, type Digest } from './digest.js';

/**
 * A parsed image reference, normalised as docker does: `busybox` has domain
 * `docker.io` and path `library/busybox`. `tag` and `digest` are as written
 * (both may be set); {@link normalizeReference} adds `latest` or drops a tag
 * that a digest overrides.
 */
export interface ImageReference {
  /** Registry host, with `:port` when given (`docker.io`, `localhost:5000`, `[::1]:5000`). */
  readonly domain: string;
  /** Repository path inside the registry, lowercase, `/`-separated (`library/busybox`). */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: Digest;
}

/** The registry docker assumes when a reference names none. */
export const defaultDomain = 'docker.io';
const legacyDefaultDomain = 'index.docker.io';
const officialRepoPrefix = 'library/';
/** The tag docker assumes when a reference has neither tag nor digest. */
export const defaultTag = 'latest';
const nameTotalLengthMax = 255;

// The grammar of github.com/distribution/reference (regexp.go), spelled out.
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[(?:[a-fA-F0-9:]+)\\])`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const namePattern = `(?:${domainAndPort}/)?${remoteName}`;
const tagPattern = '[\\w][\\w.-]{0,127}';
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const referenceRegexp = new RegExp(`^(${namePattern})(?::(${tagPattern}))?(?:@(${digestPattern}))?$`);
const anchoredName = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`);
const anchoredIdentifier = /^[a-f0-9]{64}$/;

function invalid(input: string, why: string, cause?: unknown): never {
  throw new InvalidArgumentError(`invalid reference format: ${why}: ${JSON.stringify(input)}`, cause === undefined ? undefined : { cause });
}

/** Splits docker-style: the first component is a registry only if it has `.` or `:`, is `localhost`, or has uppercase letters. */
function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const i = name.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = i === -1 ? '' : name.slice(0, i);
  if (i === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = defaultDomain;
    remainder = name;
  } else {
    domain = first;
    remainder = name.slice(i + 1);
  }
  if (domain === legacyDefaultDomain) domain = defaultDomain;
  if (domain === defaultDomain && !remainder.includes('/')) remainder = officialRepoPrefix + remainder;
  return { domain, remainder };
}

/**
 * Parses an image reference the way docker's `ParseNormalizedNamed` does:
 * `busybox` → `docker.io/library/busybox`, `index.docker.io/x` → `docker.io/library/x`,
 * `localhost:5000/x` and `127.0.0.1:5000/a/b:t@sha256:…` keep their registry.
 * The tag and digest are kept as written; nothing is defaulted (see
 * {@link normalizeReference}).
 *
 * @throws InvalidArgumentError whose message starts with docker's
 *   `invalid reference format` and quotes `input`: empty input, uppercase in
 *   the repository path, bad characters, a bare 64-hex identifier, a name over
 *   255 characters, or a malformed digest.
 */
export function parseReference(input: string): ImageReference {
  if (anchoredIdentifier.test(input)) {
    invalid(input, 'invalid repository name, cannot specify 64-byte hexadecimal strings');
  }
  const { domain, remainder } = splitDockerDomain(input);
  // Docker checks case on the remainder up to the first colon, before the grammar.
  const colon = remainder.indexOf(':');
  const remote = colon === -1 ? remainder : remainder.slice(0, colon);
  if (remote.toLowerCase() !== remote) invalid(input, `repository name (${remote}) must be lowercase`);
  const full = `${domain}/${remainder}`;
  const match = referenceRegexp.exec(full);
  if (match === null) {
    if (input === '') invalid(input, 'repository name must have at least one component');
    if (referenceRegexp.test(full.toLowerCase())) invalid(input, 'repository name must be lowercase');
    invalid(input, 'expected [registry/]repository[:tag][@digest]');
  }
  const name = match[1]!;
  if (name.length > nameTotalLengthMax) invalid(input, `repository name must not be more than ${nameTotalLengthMax} characters`);
  const parts = anchoredName.exec(name);
  if (parts === null) invalid(input, 'expected [registry/]repository[:tag][@digest]');
  let digest: Digest | undefined;
  if (match[3] !== undefined) {
    try {
      digest = parseDigest(match[3]);
    } catch (cause) {
      invalid(input, (cause as Error).message, cause);
    }
  }
  return {
    domain: parts[1]!,
    path: parts[2]!,
    ...(match[2] !== undefined ? { tag: match[2] } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/**
 * Parses and completes a reference the way docker's `ParseDockerRef` does:
 * a name alone gets the `latest` tag, and when both a tag and a digest are
 * given only the digest is kept (it names the content exactly).
 *
 * @throws InvalidArgumentError as {@link parseReference}.
 */
export function normalizeReference(input: string | ImageReference): ImageReference {
  const ref = typeof input === 'string' ? parseReference(input) : input;
  if (ref.digest !== undefined) return { domain: ref.domain, path: ref.path, digest: ref.digest };
  return { domain: ref.domain, path: ref.path, tag: ref.tag ?? defaultTag };
}

/** `domain/path`, the full repository name (`docker.io/library/busybox`). */
export function repositoryName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The full string form, `domain/path[:tag][@digest]`. */
export function referenceToString(ref: ImageReference): string {
  return `${repositoryName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** The short name docker shows: `docker.io/library/busybox` → `busybox`, `docker.io/a/b` → `a/b`. */
export function familiarName(ref: ImageReference): string {
  if (ref.domain !== defaultDomain) return repositoryName(ref);
  if (ref.path.startsWith(officialRepoPrefix)) {
    const rest = ref.path.slice(officialRepoPrefix.length);
    if (!rest.includes('/')) return rest;
  }
  return ref.path;
}

/** {@link familiarName} with the tag and digest: `busybox:latest`. */
export function familiarString(ref: ImageReference): string {
  return `${familiarName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}
