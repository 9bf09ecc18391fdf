import type { Descriptor } from '@kiln/oci';
import type { RegistryContentStore } from './content-port.js';

/**
 * Writes small content (a manifest, an index) whose bytes are in hand into the
 * store under its descriptor, unless it is there already. The store checks size
 * and digest on commit.
 */
export async function storeBytes(store: RegistryContentStore, descriptor: Descriptor, bytes: Uint8Array): Promise<void> {
  if (await store.has(descriptor.digest)) return;
  const writer = await store.writer(descriptor.digest, { expectedDigest: descriptor.digest });
  try {
    await writer.write(bytes);
  } catch (error) {
    await writer.abort().catch(() => {});
    throw error;
  }
  await writer.commit(descriptor.size, descriptor.digest);
}

/** The bytes of a committed blob from byte `start` (0-based) on, for an upload. */
export async function readFrom(store: RegistryContentStore, descriptor: Descriptor, start: number): Promise<AsyncIterable<Uint8Array>> {
  return (await store.readStream(descriptor.digest, { start })) as AsyncIterable<Uint8Array>;
}
