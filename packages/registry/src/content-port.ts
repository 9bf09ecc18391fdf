import type { Readable } from 'node:stream';
import type { Digest } from '@kiln/oci';

/**
 * The part of `@kiln/content`'s writer the registry uses: bytes appended in
 * order, then committed under their digest or aborted, leaving nothing
 * visible.
 */
export interface RegistryContentWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Makes the content visible; rejects (DataLoss) when `size` or `digest` do not match what was written. */
  commit(size?: number, digest?: Digest): Promise<unknown>;
  abort(): Promise<void>;
}

/**
 * The part of `@kiln/content`'s ContentStore the registry client needs. A
 * real `ContentStore` satisfies it; it is spelled out here so the client's
 * contract with the store is visible in one place.
 */
export interface RegistryContentStore {
  has(digest: Digest): Promise<boolean>;
  writer(): Promise<RegistryContentWriter>;
  /** A stream of the committed blob's bytes; the caller consumes or destroys it. */
  readStream(digest: Digest): Promise<Readable> | Readable;
  readBytes(digest: Digest): Promise<Uint8Array>;
}
