import type { ContentRoot } from '@kiln/content';
import { createCompressor, decompress } from '@kiln/layer';
import { convertMediaType, layerCompression, MediaType, type Descriptor } from '@kiln/oci';
import { pipeline, Readable } from 'node:stream';
import type { LayerCompressionName } from './image-export-options.js';

const ociLayerTypes: Readonly<Record<LayerCompressionName, string>> = {
  gzip: MediaType.ociLayerGzip,
  zstd: MediaType.ociLayerZstd,
  uncompressed: MediaType.ociLayer,
};

/**
 * True for a distributable uncompressed layer: what kiln's store keeps for
 * layers a build made, and what must be compressed before it leaves the
 * store. Nondistributable (foreign) layers are never pushed as blobs, so
 * they keep theirs.
 */
export function isPlainTarLayer(descriptor: Descriptor): boolean {
  return descriptor.mediaType === MediaType.ociLayer || descriptor.mediaType === MediaType.dockerLayer;
}

/** True when `descriptor`'s media type says its bytes are in another compression than `compression`. */
export function needsRecompression(descriptor: Descriptor, compression: LayerCompressionName): boolean {
  const current = layerCompression(descriptor.mediaType);
  return current !== undefined && (current === 'none' ? 'uncompressed' : current) !== compression;
}

/**
 * Writes `descriptor`'s layer again in `compression` (`force-compression`):
 * its blob is read from content, decompressed and compressed anew, streaming.
 * The diff_id stays what it was; the new blob is added to `leaseId`. The
 * returned descriptor keeps the family (OCI or Docker) of the original and
 * its annotations. Equal inputs give equal bytes (the compressors are
 * deterministic for a given level).
 *
 * @throws NotFoundError when the blob is missing; whatever decoding throws.
 */
export async function recompressLayer(root: ContentRoot, descriptor: Descriptor, compression: LayerCompressionName, level: number | undefined, leaseId: string): Promise<Descriptor> {
  const source = await root.content.readStream(descriptor.digest);
  const plain = decompress(source);
  const compressor = createCompressor(compression, level);
  // The pipeline destroys the compressor with an error of either side, so a bad blob fails the ingest (which then leaves nothing).
  if (compressor !== undefined) pipeline(Readable.from(plain, { objectMode: false }), compressor, () => undefined);
  const bytes: AsyncIterable<Uint8Array> = compressor ?? plain;
  const stored = await root.content.ingest(bytes, {}, `recompress-${descriptor.digest}`);
  // Leased right after commit: the blob became visible an instant before, which a GC would only take if it ran in between and found no other user.
  root.leases.addResources(leaseId, [{ digest: stored.digest, mediaType: descriptor.mediaType }]);
  const flavor = descriptor.mediaType.startsWith('application/vnd.docker.') ? 'docker' : 'oci';
  return { ...descriptor, mediaType: convertMediaType(ociLayerTypes[compression], flavor), digest: stored.digest, size: stored.size };
}
