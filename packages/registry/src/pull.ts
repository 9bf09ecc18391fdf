import { ErrorCode } from '@kiln/errors';
import {
  formatPlatform,
  indexMediaTypes,
  manifestMediaTypes,
  parseImageConfig,
  parseImageIndex,
  parseImageManifest,
  platformMatcher,
  type Descriptor,
  type ImageConfig,
  type Platform,
} from '@kiln/oci';
import type { RegistryContentStore } from './content-port.js';
import { storeBytes } from './content-io.js';
import type { FetchedManifest } from './manifest-fetch.js';
import type { ProgressListener } from './progress.js';
import { RegistryError } from './registry-error.js';

/** What a pull leaves in the content store, described. */
export interface PullResult {
  /** What the reference resolved to: an index or a manifest. */
  readonly root: Descriptor;
  /** The single-platform manifest chosen (equal to `root` when the reference names a manifest). */
  readonly manifest: Descriptor;
  readonly config: Descriptor;
  /** The parsed image config. */
  readonly imageConfig: ImageConfig;
  /** Layers, base first. */
  readonly layers: readonly Descriptor[];
}

/** The operations {@link pullImage} needs from the client, bound to one reference. */
export interface PullSteps {
  readonly reference: string;
  resolve(): Promise<FetchedManifest>;
  fetchManifest(descriptor: Descriptor): Promise<Uint8Array>;
  fetchBlobs(descriptors: readonly Descriptor[]): Promise<void>;
}

/**
 * Pulls an image: resolves the reference, picks the manifest for `platform`
 * from an index (best match first, as containerd orders them), and fetches
 * manifest, config and layers into `store`. Every document is stored under
 * its digest; blobs already in the store are not fetched again.
 *
 * @throws RegistryError: NotFound when no manifest in the index matches the
 *   platform (the message lists those available), Unsupported for a media type
 *   kiln does not read (named), and whatever resolving and fetching throw.
 */
export async function pullImage(steps: PullSteps, store: RegistryContentStore, platform: Platform): Promise<PullResult> {
  const { reference } = steps;
  const resolved = await steps.resolve();
  await storeBytes(store, resolved.descriptor, resolved.bytes);
  let manifestDescriptor = resolved.descriptor;
  let manifestBytes = resolved.bytes;
  if (indexMediaTypes.includes(resolved.descriptor.mediaType)) {
    const index = parseDocument(reference, () => parseImageIndex(text(resolved.bytes), resolved.descriptor.mediaType));
    manifestDescriptor = selectManifest(reference, index.manifests, platform);
    manifestBytes = await steps.fetchManifest(manifestDescriptor);
    await storeBytes(store, manifestDescriptor, manifestBytes);
  }
  const manifest = parseDocument(reference, () => parseImageManifest(text(manifestBytes), manifestDescriptor.mediaType));
  await steps.fetchBlobs([manifest.config, ...manifest.layers]);
  const configBytes = await store.readBytes(manifest.config.digest);
  const imageConfig = parseDocument(reference, () => parseImageConfig(text(configBytes)));
  return { root: resolved.descriptor, manifest: manifestDescriptor, config: manifest.config, imageConfig, layers: manifest.layers };
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function parseDocument<T>(reference: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const code = (error as { code?: unknown }).code === ErrorCode.Unsupported ? ErrorCode.Unsupported : ErrorCode.InvalidArgument;
    throw new RegistryError(code, reference, `pull ${reference}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The manifest of `manifests` (an index's entries) that best fits `platform`:
 * entries with a manifest media type and a matching platform, ordered by
 * containerd's preference. Entries without a platform are taken only when the
 * index has exactly one manifest.
 *
 * @throws RegistryError (NotFound) listing the platforms the index offers.
 */
export function selectManifest(reference: string, manifests: readonly Descriptor[], platform: Platform): Descriptor {
  const matcher = platformMatcher(platform);
  const candidates = manifests.filter((m) => manifestMediaTypes.includes(m.mediaType) && m.platform !== undefined && matcher.match(m.platform));
  candidates.sort((a, b) => matcher.compare(a.platform!, b.platform!));
  const best = candidates[0];
  if (best !== undefined) return best;
  const only = manifests.filter((m) => manifestMediaTypes.includes(m.mediaType));
  if (only.length === 1 && only[0]!.platform === undefined) return only[0]!;
  const offered = manifests.map((m) => (m.platform === undefined ? `(no platform, ${m.mediaType})` : formatPlatform(m.platform))).join(', ');
  throw new RegistryError(ErrorCode.NotFound, reference, `pull ${reference}: no manifest for platform ${formatPlatform(platform)}; the index offers: ${offered || 'nothing'}`);
}
