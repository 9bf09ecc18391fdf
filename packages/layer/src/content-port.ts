import type { Digest } from '@kiln/oci';

/**
 * The part of `@kiln/content`'s ContentStore this package uses, typed
 * structurally so any store (or a test double) fits.
 */
export interface LayerContentStore {
  /** Opens an ingest; content stays invisible until `commit`. */
  writer(ref: string): Promise<LayerBlobWriter> | LayerBlobWriter;
  /** The bytes of a committed blob. @throws NotFoundError when absent. */
  readStream(digest: Digest): Promise<AsyncIterable<Uint8Array>> | AsyncIterable<Uint8Array>;
}

/** An open ingest of one blob. */
export interface LayerBlobWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Makes the blob visible; checks size and digest when given. */
  commit(expectedSize?: number, expectedDigest?: Digest): Promise<unknown>;
  /** Drops the ingest; nothing becomes visible. */
  abort(): Promise<void>;
}
