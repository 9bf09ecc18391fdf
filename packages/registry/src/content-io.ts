import type { Descriptor } from '@kiln/oci';
import type { RegistryContentStore } from './content-port.js';

/**
 * Writes small content (a manifest, an index) whose bytes are in hand into the
 * store under its descriptor, unless it is there already. The store checks size
 * and digest on commit.
 */
export async function storeBytes(store: RegistryContentStore, descriptor: Descriptor, bytes: Uint8Array): Promise<void> {
  if (await store.has(descriptor.digest)) return;
  const writer = await store.writer();
  try {
    await writer.write(bytes);
    await writer.commit(descriptor.size, descriptor.digest);
  } catch (error) {
    await writer.abort().catch(() => {});
    throw error;
  }
}

/**
 * The bytes of a committed blob from byte `start` (0-based) on. The prefix is
 * read and dropped: the store streams whole blobs, and only resumed uploads
 * start past 0.
 */
export async function readFrom(store: RegistryContentStore, descriptor: Descriptor, start: number): Promise<AsyncIterable<Uint8Array>> {
  const stream = await store.readStream(descriptor.digest);
  if (start === 0) return stream as AsyncIterable<Uint8Array>;
  return (async function* () {
    let skip = start;
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      yield skip === 0 ? chunk : chunk.subarray(skip);
      skip = 0;
    }
  })();
}
