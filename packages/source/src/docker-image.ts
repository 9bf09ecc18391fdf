import type { ImmutableRef, KilnCacheManager, LayerRecord } from '@kiln/cache';
import { selectManifest } from '@kiln/archive';
import type { ImageStore, Leases, LocalContentStore } from '@kiln/content';
import { DataLossError, NotFoundError } from '@kiln/errors';
import { normalizeReference, parseImageConfig, parseReference, referenceToString, type Descriptor, type Digest, type ImageConfig, type Platform } from '@kiln/oci';
import type { RegistryClient, ProgressListener } from '@kiln/registry';

/** What resolving images needs: the root's stores, and a registry client (absent: offline, the store only). */
export interface ImageSourceDeps {
  readonly images: ImageStore;
  readonly content: LocalContentStore;
  readonly leases: Leases;
  readonly registry?: RegistryClient | undefined;
}

/** An image resolved to exact content. */
export interface ResolvedImage {
  /** The normalised reference pinned to the digest: `docker.io/library/busybox:latest@sha256:…` (what `FROM` becomes). */
  readonly ref: string;
  /** The digest the reference resolved to: the index's when the name points at one, else the manifest's. */
  readonly digest: Digest;
  /** The single-platform manifest chosen. */
  readonly manifest: Descriptor;
  readonly config: ImageConfig;
  /** The layer blobs with their diff_ids, base first (for `cache.fromLayers`). */
  readonly layers: readonly LayerRecord[];
  /** Where it came from. */
  readonly origin: 'store' | 'registry';
}

/** Options of {@link resolveImage}. */
export interface ResolveImageOptions {
  /** Ask the registry again even when kiln's store has the name (`--pull`). */
  readonly pull?: boolean;
  readonly signal?: AbortSignal;
  /** Blob transfers of a pull from the registry, as they happen. */
  readonly onProgress?: ProgressListener;
}

/**
 * Resolves `ref` (`busybox`, `docker.io/library/busybox:latest`, `…@sha256:…`)
 * for `platform`: from kiln's image store first (by digest when the
 * reference has one, else by name) unless `pull`, else by pulling it
 * through the registry into content under a lease and recording the name,
 * so the next build finds it offline. A local image whose blobs are missing
 * is pulled again.
 *
 * @throws NotFoundError when the image is neither stored nor pullable (no
 *   registry client); the registry's errors as they come; DataLossError when
 *   the config's diff_ids do not match the manifest's layers.
 */
export async function resolveImage(deps: ImageSourceDeps, ref: string, platform?: Platform, options: ResolveImageOptions = {}): Promise<ResolvedImage> {
  const reference = normalizeReference(ref);
  const tagged = tagName(ref);
  if (options.pull !== true || reference.digest !== undefined) {
    const root = reference.digest !== undefined ? await storedDescriptor(deps, reference.digest, tagged) : deps.images.find(tagged)?.target;
    if (root !== undefined) {
      const local = await fromStore(deps, root, platform).catch((error) => {
        if ((error as { code?: string }).code === 'NotFound') return undefined;
        throw error;
      });
      if (local !== undefined) return { ...local, ref: pinned(tagged, root.digest), origin: 'store' };
    }
  }
  if (deps.registry === undefined) throw new NotFoundError(`image ${JSON.stringify(ref)} is not in kiln's image store and no registry is configured`);
  const lease = deps.leases.create({ labels: { 'kiln.source': `pull ${tagged}` } });
  try {
    const pulled = await deps.registry.pull(reference, deps.content, {
      ...(platform === undefined ? {} : { platform }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    deps.leases.addResources(lease.id, [pulled.root, pulled.manifest, pulled.config, ...pulled.layers].map((d) => ({ digest: d.digest, mediaType: d.mediaType })));
    deps.images.put(tagged, pulled.root);
    return {
      ref: pinned(tagged, pulled.root.digest),
      digest: pulled.root.digest,
      manifest: pulled.manifest,
      config: pulled.imageConfig,
      layers: layerRecords(pulled.layers, pulled.imageConfig, tagged),
      origin: 'registry',
    };
  } finally {
    deps.leases.delete(lease.id);
  }
}

/**
 * The root filesystem of a resolved image as a cache ref (each layer
 * unpacked once into a snapshot named by its chain id and shared). An image
 * without layers is an empty committed ref. The caller releases it.
 */
export async function imageRef(cache: KilnCacheManager, image: Pick<ResolvedImage, 'layers'>, options: { readonly signal?: AbortSignal; readonly onProgress?: (done: number, total: number) => void } = {}): Promise<ImmutableRef> {
  if (image.layers.length === 0) return (await cache.newMutable(undefined, { description: 'empty image' })).commit();
  return cache.fromLayers(image.layers, options);
}

/** The name to store and pin: the reference with its tag (`latest` when it has neither tag nor digest), without the digest. */
function tagName(ref: string): string {
  const parsed = parseReference(ref);
  const tag = parsed.tag ?? (parsed.digest === undefined ? 'latest' : undefined);
  return referenceToString(tag === undefined ? { domain: parsed.domain, path: parsed.path } : { domain: parsed.domain, path: parsed.path, tag });
}

function pinned(name: string, digest: Digest): string {
  return `${name}@${digest}`;
}

async function storedDescriptor(deps: ImageSourceDeps, digest: Digest, name: string): Promise<Descriptor | undefined> {
  const named = deps.images.find(name)?.target;
  if (named?.digest === digest) return named;
  if (!(await deps.content.has(digest))) return undefined;
  const info = await deps.content.info(digest);
  // Without a stored name the media type is unknown; selectManifest sniffs the document.
  return { mediaType: '', digest, size: info.size } as Descriptor;
}

async function fromStore(deps: ImageSourceDeps, root: Descriptor, platform: Platform | undefined): Promise<Omit<ResolvedImage, 'ref' | 'origin'>> {
  const { descriptor, manifest } = await selectManifest(deps.content, root, platform);
  const config = parseImageConfig((await deps.content.readBytes(manifest.config.digest)).toString('utf8'));
  for (const layer of manifest.layers) {
    if (!(await deps.content.has(layer.digest))) throw new NotFoundError(`layer ${layer.digest} of ${root.digest} is not in content`);
  }
  return { digest: root.digest, manifest: descriptor, config, layers: layerRecords(manifest.layers, config, root.digest) };
}

function layerRecords(layers: readonly Descriptor[], config: ImageConfig, label: string): LayerRecord[] {
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== layers.length) {
    throw new DataLossError(`image ${label}: the manifest lists ${layers.length} layers but the config has ${diffIds.length} diff_ids`);
  }
  return layers.map((descriptor, i) => ({ descriptor, diffId: diffIds[i]! }));
}
