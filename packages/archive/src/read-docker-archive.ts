import { DataLossError, InvalidArgumentError } from '@kiln/errors';
import { createDigester, digestBytes, type LocalContentStore } from '@kiln/content';
import {
  MediaType, parseImageConfig, serializeImageManifest, type Descriptor, type Digest, type ImageConfig, type ImageManifest,
} from '@kiln/oci';
import { decompress, detectCompression, type DetectedCompression } from '@kiln/layer';
import { headBytes } from './byte-streams.js';
import { parseDockerManifest } from './docker-manifest.js';
import { normalizeImageName, type ArchiveEntry } from './layout-index.js';
import type { ImportOptions } from './read-oci-layout.js';
import { resolveMember, type ScannedArchive } from './scan-archive.js';

const layerTypes: Readonly<Record<DetectedCompression, string>> = {
  uncompressed: MediaType.ociLayer,
  gzip: MediaType.ociLayerGzip,
  zstd: MediaType.ociLayerZstd,
};

/**
 * Turns the images of a scanned `docker save` archive into OCI images in
 * content. The config is kept byte for byte (so the image ID, its digest, is
 * docker's). Layers are kept exactly as the archive holds them — normally
 * uncompressed tars, typed `application/vnd.oci.image.layer.v1.tar`, whose
 * digest then *is* the diff_id: loading costs no CPU beyond hashing, and
 * compressing (one core: ~50 MiB/s for gzip) is left to whoever pushes. A
 * gzip or zstd layer (docker load accepts those too) keeps its bytes and gets
 * the matching compressed type. Every layer is checked against the config's
 * `rootfs.diff_ids`, and a manifest is written for each image.
 *
 * @returns one entry per manifest.json item, named by its RepoTags (normalised).
 * @throws DataLossError when a member is missing or a layer does not match its
 *   diff_id; InvalidArgumentError for a malformed manifest.json, config or tag.
 */
export async function importDockerArchive(archive: ScannedArchive, options: ImportOptions): Promise<ArchiveEntry[]> {
  const { content } = options;
  const items = parseDockerManifest(archive.metadata.get('manifest.json')!.toString('utf8'));
  const entries: ArchiveEntry[] = [];
  for (const [i, item] of items.entries()) {
    const where = `manifest.json[${i}]`;
    const member = (name: string, what: string) => {
      const blob = resolveMember(archive, name);
      if (blob === undefined) throw new DataLossError(`${where}: the archive lacks ${what} ${JSON.stringify(name)}`);
      return blob;
    };
    const configBlob = member(item.Config, 'the config');
    let config: ImageConfig;
    try {
      config = parseImageConfig((await content.readBytes(configBlob.digest)).toString('utf8'));
    } catch (cause) {
      throw new InvalidArgumentError(`${where}: config ${JSON.stringify(item.Config)}: ${(cause as Error).message}`, { cause });
    }
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== item.Layers.length) {
      throw new DataLossError(`${where}: ${item.Layers.length} layers listed, but the config's rootfs.diff_ids has ${diffIds.length}`);
    }
    const layers: Descriptor[] = [];
    for (const [n, name] of item.Layers.entries()) {
      const blob = member(name, `layer ${n}`);
      const compression = detectCompression(await headBytes(await content.readStream(blob.digest), 4));
      const diffId = compression === 'uncompressed' ? blob.digest : await uncompressedDigest(content, blob.digest);
      if (diffId !== diffIds[n]) {
        throw new DataLossError(`${where}: layer ${n} (${JSON.stringify(name)}) has diff_id ${diffId}, but the config says ${diffIds[n]}`);
      }
      layers.push({ mediaType: layerTypes[compression], digest: blob.digest, size: blob.size });
    }
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: configBlob.digest, size: configBlob.size },
      layers,
    };
    const bytes = Buffer.from(serializeImageManifest(manifest));
    options.onBlob?.(digestBytes(bytes));
    const stored = await content.writeBytes(bytes);
    const platform = { architecture: config.architecture, os: config.os, ...(config.variant ? { variant: config.variant } : {}) };
    const names: string[] = [];
    for (const tag of item.RepoTags ?? []) {
      let name: string;
      try {
        name = normalizeImageName(tag);
      } catch (cause) {
        throw new InvalidArgumentError(`${where}.RepoTags: ${(cause as Error).message}`, { cause });
      }
      if (!names.includes(name)) names.push(name);
    }
    entries.push({ target: { mediaType: MediaType.ociManifest, digest: stored.digest, size: stored.size, platform }, names, refNames: [] });
  }
  return entries;
}

async function uncompressedDigest(content: LocalContentStore, digest: Digest): Promise<Digest> {
  const digester = createDigester('sha256');
  for await (const chunk of decompress(await content.readStream(digest))) digester.update(chunk);
  return digester.digest();
}
