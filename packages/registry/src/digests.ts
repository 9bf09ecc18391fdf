import { createHash, type Hash } from 'node:crypto';
import { digestAlgorithm, parseDigest, type Digest } from '@kiln/oci';

/** A running hash in the algorithm of `expected` (sha256 or sha512), so bytes can be checked as they stream. */
export function hasherFor(expected: Digest): Hash {
  return createHash(digestAlgorithm(expected));
}

/** The digest a finished hash gives, in the algorithm of `like`. */
export function finishDigest(hash: Hash, like: Digest): Digest {
  return parseDigest(`${digestAlgorithm(like)}:${hash.digest('hex')}`);
}

/** The sha256 digest of `bytes`. */
export function sha256Of(bytes: Uint8Array): Digest {
  return parseDigest(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);
}

/** The digest of `bytes` in the algorithm of `like`. */
export function digestLike(bytes: Uint8Array, like: Digest): Digest {
  return finishDigest(hasherFor(like).update(bytes), like);
}
