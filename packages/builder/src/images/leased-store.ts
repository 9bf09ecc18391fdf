import type { Leases, LocalContentStore } from '@kiln/content';
import type { Digest } from '@kiln/oci';
import type { RegistryContentStore, RegistryContentWriter } from '@kiln/registry';

/**
 * The content store as a transfer sees it, with every blob the transfer
 * touches recorded in lease `leaseId` **before** the transfer relies on it:
 * before `has` answers (so a blob found present cannot be collected before
 * the image is named), when a writer for a known digest opens, and at commit
 * for writers that learn their digest only then. Garbage collection running
 * in another process therefore never removes a blob a pull is about to name.
 */
export function leasedStore(content: LocalContentStore, leases: Leases, leaseId: string): RegistryContentStore {
  const hold = (digest: Digest): void => leases.addResources(leaseId, [{ digest }]);
  return {
    async has(digest) {
      hold(digest);
      return content.has(digest);
    },
    async writer(ref, options = {}) {
      if (options.expectedDigest !== undefined) hold(options.expectedDigest);
      const writer = await content.writer(ref, options);
      const leased: RegistryContentWriter = {
        write: (chunk) => writer.write(chunk),
        abort: () => writer.abort(),
        async commit(size, digest) {
          if (digest !== undefined) hold(digest);
          const committed = await writer.commit(size, digest);
          hold(committed.digest);
          return committed;
        },
      };
      return leased;
    },
    readStream: (digest, options) => content.readStream(digest, options),
    readBytes: (digest) => content.readBytes(digest),
  };
}
