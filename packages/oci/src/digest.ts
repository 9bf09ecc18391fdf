import { InvalidArgumentError } from '@kiln/errors';

/**
 * A content digest, `<algorithm>:<lowercase hex>` (for example
 * `sha256:e3b0c4…`). Only {@link parseDigest} and {@link sha256Digest} make
 * one, so a value of this type has been validated.
 */
export type Digest = `${DigestAlgorithm}:${string}` & { readonly __digest?: never };

/** The digest algorithms kiln reads. It writes sha256 only. */
export type DigestAlgorithm = 'sha256' | 'sha512';

/** Hex length of each supported algorithm's digest. */
const hexLength: Readonly<Record<DigestAlgorithm, number>> = { sha256: 64, sha512: 128 };

const digestShape = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;
const lowerHex = /^[a-f0-9]+$/;

/**
 * Validates `text` as a digest and returns it typed. The algorithm must be
 * sha256 or sha512 and the hex part must be lowercase and of that algorithm's
 * length.
 *
 * @throws InvalidArgumentError quoting `text` when it is malformed, uses
 *   another algorithm, or has the wrong length.
 */
export function parseDigest(text: string): Digest {
  const match = digestShape.exec(text);
  if (match === null) {
    throw new InvalidArgumentError(`invalid digest ${JSON.stringify(text)}: expected "<algorithm>:<hex>"`);
  }
  const algorithm = match[1]!;
  const hex = match[2]!;
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw new InvalidArgumentError(
      `invalid digest ${JSON.stringify(text)}: unsupported digest algorithm ${JSON.stringify(algorithm)} (expected sha256 or sha512)`,
    );
  }
  if (!lowerHex.test(hex)) {
    throw new InvalidArgumentError(`invalid digest ${JSON.stringify(text)}: the checksum must be lowercase hexadecimal`);
  }
  if (hex.length !== hexLength[algorithm]) {
    throw new InvalidArgumentError(
      `invalid digest ${JSON.stringify(text)}: invalid checksum digest length ${hex.length} (${algorithm} needs ${hexLength[algorithm]})`,
    );
  }
  return text as Digest;
}

/** True when `text` is a valid {@link Digest}; never throws. */
export function isDigest(text: string): text is Digest {
  try {
    parseDigest(text);
    return true;
  } catch {
    return false;
  }
}

/** The algorithm part of a digest (`sha256` of `sha256:…`). */
export function digestAlgorithm(digest: Digest): DigestAlgorithm {
  return digest.slice(0, digest.indexOf(':')) as DigestAlgorithm;
}

/** The hex part of a digest, after the colon. */
export function digestHex(digest: Digest): string {
  return digest.slice(digest.indexOf(':') + 1);
}

/**
 * `sha256:<hex>` from a 64-character lowercase hex string.
 *
 * @throws InvalidArgumentError quoting `hex` when it is not 64 lowercase hex digits.
 */
export function sha256Digest(hex: string): Digest {
  return parseDigest(`sha256:${hex}`);
}
