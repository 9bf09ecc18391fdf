import type { Readable } from 'node:stream';
import type { Digest } from '@kiln/oci';

/**
 * The part of `@kiln/content`'s ContentWriter the registry uses: bytes
 * appended in order, then committed under their digest (the writer verifies
 * size and digest) or aborted, leaving nothing visible.
 */
export interface RegistryContentWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Makes the content visible; rejects with a DataLoss error, storing nothing, when `size` or `digest` do not match what was written. */
  commit(size?: number, digest?: Digest): Promise<unknown>;
  abort(): Promise<void>;
}

/**
 * The part of `@kiln/content`'s LocalContentStore the registry client needs.
 * It is spelled out here so the client's contract with the store is visible in
 * one place, and so tests can put a failing store in its place.
 */
export interface RegistryContentStore {
  has(digest: Digest): Promise<boolean>;
  /** A writer for one new blob; `ref` names it in logs, `expectedDigest` picks the hash algorithm. */
  writer(ref?: string, options?: { readonly expectedDigest?: Digest }): Promise<RegistryContentWriter>;
  /** The committed blob's bytes from byte `start` (0-based) on; the caller consumes or destroys the stream. */
  readStream(digest: Digest, options?: { readonly start?: number }): Promise<Readable>;
  /** A small committed blob (a manifest, a config) in memory, verified. */
  readBytes(digest: Digest): Promise<Uint8Array>;
}
