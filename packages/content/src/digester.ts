import { createHash, type Hash } from 'node:crypto';
import { parseDigest, type Digest, type DigestAlgorithm } from '@kiln/oci';

/** A running hash of bytes fed in order; {@link Digester.digest} may be called at any time. */
export interface Digester {
  readonly algorithm: DigestAlgorithm;
  update(chunk: Uint8Array): void;
  /** The digest of all bytes so far; the digester stays usable. */
  digest(): Digest;
}

/** A {@link Digester} over node:crypto. `sha256` unless said otherwise. */
export function createDigester(algorithm: DigestAlgorithm = 'sha256'): Digester {
  const hash: Hash = createHash(algorithm);
  return {
    algorithm,
    update: (chunk) => void hash.update(chunk),
    digest: () => parseDigest(`${algorithm}:${hash.copy().digest('hex')}`),
  };
}

/** The digest of `bytes` (sha256 unless said otherwise); the same value `sha256sum` prints, with `sha256:` in front. */
export function digestBytes(bytes: Uint8Array | string, algorithm: DigestAlgorithm = 'sha256'): Digest {
  return parseDigest(`${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`);
}
