import { DataLossError, InvalidArgumentError, UnsupportedError } from '@kiln/errors';
import { createDigester, type LocalContentStore } from '@kiln/content';
import { decompress, encodeTar, type TarInput } from '@kiln/layer';
import {
  digestAlgorithm, familiarString, layerCompression, normalizeReference, parseImageConfig, parseReference,
  type Descriptor, type Digest, type Platform,
} from '@kiln/oci';
import { bytesMember, directoryHeader, fileHeader } from './archive-members.js';
import { blobPath } from './blob-path.js';
import { verified } from './byte-streams.js';
import { serializeDockerManifest, type DockerManifestItem } from './docker-manifest.js';
import type { ArchiveImage } from './layout-index.js';
import { selectManifest } from './select-manifest.js';

/** Options of {@link dockerArchiveTar}. */
export interface DockerArchiveOptions {
  /** Which image of a multi-platform index to write (default: the only one, else the host's). */
  readonly platform?: Platform;
}

interface PlannedLayer {
  readonly layer: Descriptor;
  /** What the media type says; the bytes are decompressed by their magic (a mislabelled layer then fails its diff_id check, not the tar). */
  readonly compression: 'none' | 'gzip' | 'zstd';
  readonly diffId: Digest;
}

interface DockerPlan {
  readonly items: DockerManifestItem[];
  readonly configs: Map<Digest, Descriptor>;
  readonly layers: Map<Digest, PlannedLayer>;
}

/** `busybox:latest` for a tagged name; `undefined` for a digest-only one, which docker cannot tag. */
function repoTag(name: string): string | undefined {
  const ref = normalizeReference(parseReference(name));
  return ref.tag === undefined ? undefined : familiarString(ref);
}

async function planDockerArchive(content: LocalContentStore, images: readonly ArchiveImage[], options: DockerArchiveOptions): Promise<DockerPlan> {
  const byManifest = new Map<Digest, { item: DockerManifestItem; tags: string[] }>();
  const configs = new Map<Digest, Descriptor>();
  const layers = new Map<Digest, PlannedLayer>();
  for (const image of images) {
    const { descriptor, manifest } = await selectManifest(content, image.target, options.platform);
    const tags = image.names.map(repoTag).filter((t): t is string => t !== undefined);
    const known = byManifest.get(descriptor.digest);
    if (known !== undefined) {
      for (const tag of tags) if (!known.tags.includes(tag)) known.tags.push(tag);
      continue;
    }
    const config = parseImageConfig((await content.readBytes(manifest.config.digest)).toString('utf8'));
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== manifest.layers.length) {
      throw new DataLossError(`manifest ${descriptor.digest} has ${manifest.layers.length} layers, but its config's rootfs.diff_ids lists ${diffIds.length}`);
    }
    const layerPaths: string[] = [];
    for (const [i, layer] of manifest.layers.entries()) {
      const kind = layerCompression(layer.mediaType);
      if (kind === undefined) {
        throw new UnsupportedError(`manifest ${descriptor.digest}: layer ${i} has media type ${JSON.stringify(layer.mediaType)}, which is not a layer type docker can load`);
      }
      const diffId = diffIds[i]!;
      if (digestAlgorithm(diffId) !== 'sha256') throw new UnsupportedError(`layer ${i} of ${descriptor.digest} has diff_id ${diffId}; docker archives need sha256`);
      if (kind === 'none' && layer.digest !== diffId) {
        throw new DataLossError(`manifest ${descriptor.digest}: uncompressed layer ${i} is ${layer.digest}, but the config's diff_id is ${diffId}`);
      }
      const info = await content.info(layer.digest);
      if (info.size !== layer.size) throw new DataLossError(`layer ${layer.digest}: the manifest says ${layer.size} bytes, the store holds ${info.size}`);
      if (!layers.has(diffId)) layers.set(diffId, { layer, compression: kind, diffId });
      layerPaths.push(blobPath(diffId));
    }
    configs.set(manifest.config.digest, manifest.config);
    const entry = { item: { Config: blobPath(manifest.config.digest), RepoTags: tags, Layers: layerPaths }, tags };
    byManifest.set(descriptor.digest, entry);
  }
  const items = [...byManifest.values()].map(({ item, tags }) => ({ ...item, RepoTags: tags.length > 0 ? tags : null }));
  return { items, configs, layers };
}

/** Size in bytes and digest of a layer's uncompressed tar: one decompressing pass, nothing kept. */
async function measureUncompressed(content: LocalContentStore, planned: PlannedLayer): Promise<number> {
  const digester = createDigester('sha256');
  let size = 0;
  for await (const chunk of decompress(await content.readStream(planned.layer.digest))) {
    digester.update(chunk);
    size += chunk.length;
  }
  const actual = digester.digest();
  if (actual !== planned.diffId) throw new DataLossError(`layer ${planned.layer.digest} uncompresses to ${actual}, but the config's diff_id is ${planned.diffId}`);
  return size;
}

/**
 * A `docker save` archive of `images` as a tar stream, for `docker load`,
 * `skopeo … docker-archive:` and kiln's own reader. Layout (as docker 25
 * writes its blobs): `manifest.json` first, then each config byte for byte at
 * `blobs/sha256/<hex>` (so the image ID stays the config digest), then each
 * layer *uncompressed* at `blobs/sha256/<diff_id hex>`. Docker needs
 * uncompressed layers whose sha256 is the diff_id, so gzip/zstd layers are
 * decompressed while streaming: once to learn the size the tar header needs
 * (and to check the diff_id before writing it), once to write. No legacy
 * `repositories` file or `<id>/json` directories are written: docker reads
 * `manifest.json` whenever it exists, and the v1 ids those files need do not
 * exist for OCI images. Several names of one image become one item with
 * several RepoTags; digest-only names are dropped (docker cannot tag them).
 *
 * @throws InvalidArgumentError for a malformed name; NotFoundError for a
 *   missing blob or platform; UnsupportedError for a non-layer media type;
 *   DataLossError when content does not match (checked before the first byte
 *   where possible, else while streaming).
 */
export async function* dockerArchiveTar(content: LocalContentStore, images: readonly ArchiveImage[], options: DockerArchiveOptions = {}): AsyncGenerator<Buffer> {
  if (images.length === 0) throw new InvalidArgumentError('a docker archive needs at least one image');
  const plan = await planDockerArchive(content, images, options);
  async function* members(): AsyncGenerator<TarInput> {
    yield bytesMember('manifest.json', serializeDockerManifest(plan.items));
    yield { header: directoryHeader('blobs') };
    yield { header: directoryHeader('blobs/sha256') };
    for (const config of plan.configs.values()) {
      const body = verified(await content.readStream(config.digest), config, `stored config ${config.digest}`);
      yield { header: fileHeader(blobPath(config.digest), config.size), body };
    }
    for (const planned of plan.layers.values()) {
      const { layer, compression, diffId } = planned;
      if (compression === 'none') {
        yield { header: fileHeader(blobPath(diffId), layer.size), body: verified(await content.readStream(layer.digest), layer, `stored layer ${layer.digest}`) };
        continue;
      }
      const size = await measureUncompressed(content, planned);
      const body = verified(decompress(await content.readStream(layer.digest)), { digest: diffId, size }, `layer ${layer.digest} uncompressed`);
      yield { header: fileHeader(blobPath(diffId), size), body };
    }
  }
  yield* encodeTar(members());
}
