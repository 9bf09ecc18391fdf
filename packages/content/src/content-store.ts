import type { Readable } from 'node:stream';
import type { Digest } from '@kiln/oci';
import type { CommittedContent, ContentWriter } from './content-writer.js';

/** What the store knows about a committed blob. */
export interface ContentInfo {
  readonly digest: Digest;
  /** Size in bytes. */
  readonly size: number;
  /** When the blob was committed (the file's last modification), in milliseconds since the epoch. */
  readonly committedAt: number;
}

/** What an ingest should produce; each field given is verified. */
export interface ExpectedContent {
  readonly digest?: Digest;
  /** Size in bytes. */
  readonly size?: number;
}

/**
 * containerd's content store roles in one interface, for code that should not
 * care where blobs live (a registry client, the layer differ):
 * - **Provider**: `readStream`, `readBytes`, `has`;
 * - **Ingester**: `writer` → `commit(size, digest)`, and `ingest` for a whole stream;
 * - **Manager**: `info`, `walk`, `delete`.
 *
 * Content is immutable and invisible until committed; a failed, aborted or
 * killed write leaves nothing visible. {@link LocalContentStore} is the
 * implementation on disk.
 */
export interface ContentStore {
  writer(ref?: string, options?: { readonly expectedDigest?: Digest }): Promise<ContentWriter>;
  ingest(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | NodeJS.ReadableStream, expected?: ExpectedContent, ref?: string): Promise<CommittedContent>;
  writeBytes(bytes: Uint8Array | string, expected?: ExpectedContent): Promise<CommittedContent>;
  has(digest: Digest): Promise<boolean>;
  info(digest: Digest): Promise<ContentInfo>;
  readStream(digest: Digest, options?: { readonly start?: number }): Promise<Readable>;
  readBytes(digest: Digest, options?: { readonly maxSize?: number }): Promise<Buffer>;
  delete(digest: Digest): Promise<void>;
  walk(): AsyncIterable<ContentInfo>;
}
