import { ErrorCode } from '@kiln/errors';
import { indexMediaTypes, manifestMediaTypes, MediaType, parseImageIndex, parseImageManifest, type Descriptor } from '@kiln/oci';
import type { RegistryContentStore } from './content-port.js';
import { RegistryError } from './registry-error.js';

/** The operations {@link pushImage} needs from the client, bound to one target reference. */
export interface PushSteps {
  readonly reference: string;
  /** Pushes blobs (configs, layers) that the registry lacks, several at once. */
  pushBlobs(descriptors: readonly Descriptor[]): Promise<void>;
  /** PUTs a manifest or index under `tagOrDigest`. */
  putManifest(tagOrDigest: string, descriptor: Descriptor, bytes: Uint8Array): Promise<void>;
}

/** Layers whose bytes are not to be pushed: Docker foreign and OCI non-distributable layers that carry URLs. */
const nonDistributable = new Set<string>([
  MediaType.dockerLayerForeign,
  MediaType.dockerLayerForeignGzip,
  MediaType.ociLayerNondistributable,
  MediaType.ociLayerNondistributableGzip,
  MediaType.ociLayerNondistributableZstd,
]);

/**
 * Pushes the tree under `root` from `store`: for an index, each child
 * manifest (its blobs, then the manifest by digest) and then the index under
 * `tag`; for a manifest, its config and layers, then the manifest under `tag`.
 * Manifests go up only after everything they name, as registries require.
 *
 * @param tag the tag to put the root under, or undefined to put it by digest.
 * @throws RegistryError (Unsupported) naming a root or child media type that
 *   is neither manifest nor index; what the steps throw.
 */
export async function pushImage(steps: PushSteps, store: RegistryContentStore, root: Descriptor, tag: string | undefined): Promise<void> {
  await pushTree(steps, store, root, tag ?? root.digest);
}

async function pushTree(steps: PushSteps, store: RegistryContentStore, descriptor: Descriptor, putAs: string): Promise<void> {
  const bytes = await store.readBytes(descriptor.digest);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (indexMediaTypes.includes(descriptor.mediaType)) {
    const index = parseOrThrow(steps.reference, () => parseImageIndex(text, descriptor.mediaType));
    for (const child of index.manifests) await pushTree(steps, store, child, child.digest);
  } else if (manifestMediaTypes.includes(descriptor.mediaType)) {
    const manifest = parseOrThrow(steps.reference, () => parseImageManifest(text, descriptor.mediaType));
    const blobs = [manifest.config, ...manifest.layers].filter((d) => !(nonDistributable.has(d.mediaType) && (d.urls?.length ?? 0) > 0));
    await steps.pushBlobs(blobs);
  } else {
    throw new RegistryError(
      ErrorCode.Unsupported,
      steps.reference,
      `push ${steps.reference}: unsupported media type ${JSON.stringify(descriptor.mediaType)} for ${descriptor.digest}; expected a manifest or an index (${[...manifestMediaTypes, ...indexMediaTypes].join(', ')})`,
    );
  }
  await steps.putManifest(putAs, descriptor, bytes);
}

function parseOrThrow<T>(reference: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new RegistryError(ErrorCode.InvalidArgument, reference, `push ${reference}: ${(error as Error).message}`, { cause: error });
  }
}
