import { digestBytes, type ContentRoot } from '@kiln/content';
import { manifestMediaTypes, MediaType, parseImageManifest, serializeImageManifest, type Descriptor } from '@kiln/oci';
import { isPlainTarLayer, recompressLayer } from './recompress-layer.js';

/**
 * The image `manifest` (a descriptor in kiln's content store) as it should
 * leave the store for a registry: kiln's store keeps the layers a build made
 * uncompressed (as docker's image store does), and a push must not send
 * uncompressed layers nobody asked for. When `manifest` is a single image
 * manifest (OCI or Docker media types) with uncompressed layers, those
 * layers are gzip-compressed (same diff_ids, so the config and the image ID
 * stay as they are; base image layers already compressed keep their blobs)
 * and a new manifest listing them is written; the new blobs and the
 * manifest are added to `leaseId`, which the caller holds until something
 * else references them (a name in the image store). The result keeps the
 * original descriptor's media type family, platform and annotations.
 *
 * Returns `manifest` itself when nothing needs compressing, and for indexes
 * (multi-platform images, pulled as they are) and unknown media types.
 * Equal inputs give the same manifest digest (compression is deterministic).
 *
 * @throws NotFoundError when the manifest or a layer blob is missing;
 *   InvalidArgumentError for a malformed manifest; whatever decoding throws.
 */
export async function distributableImage(root: ContentRoot, manifest: Descriptor, leaseId: string): Promise<Descriptor> {
  if (!manifestMediaTypes.includes(manifest.mediaType)) return manifest;
  const parsed = parseImageManifest((await root.content.readBytes(manifest.digest)).toString('utf8'), manifest.mediaType);
  if (!parsed.layers.some(isPlainTarLayer)) return manifest;
  // zlib runs on libuv's thread pool, so the layers compress side by side.
  const layers = await Promise.all(
    parsed.layers.map((layer) => (isPlainTarLayer(layer) ? recompressLayer(root, layer, 'gzip', undefined, leaseId) : layer)),
  );
  const flavor = manifest.mediaType === MediaType.dockerManifest ? 'docker' : 'oci';
  const text = serializeImageManifest({ ...parsed, layers }, { mediaTypes: flavor });
  const digest = digestBytes(text);
  // Leased before it is written, so a GC running alongside never sees it unprotected.
  root.leases.addResources(leaseId, [{ digest, mediaType: manifest.mediaType }]);
  const stored = await root.content.writeBytes(text, { digest });
  return { ...manifest, digest: stored.digest, size: stored.size };
}
