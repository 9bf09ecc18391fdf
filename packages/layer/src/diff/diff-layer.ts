import { randomUUID } from 'node:crypto';
import { MediaType, type Descriptor, type Digest, type MediaTypeFlavor } from '@kiln/oci';
import type { Mount } from '@kiln/sys';
import { createCompressor, type LayerCompressionKind } from '../compression.js';
import type { LayerContentStore } from '../content-port.js';
import { HashTap } from '../hashing.js';
import { layerStack, overlayDirs, withMountedDir } from '../mounts.js';
import { through } from '../stream-through.js';
import { diffDirectories } from './diff-directories.js';
import { layerTar } from './layer-tar.js';

/** Options of {@link diff}. */
export interface LayerDiffOptions {
  /** Default `gzip`. */
  readonly compression?: LayerCompressionKind;
  /** gzip 0–9 (default 6), zstd 1–22 (default 3). */
  readonly level?: number;
  /** Clamp mtimes to this (seconds); see `LayerTarOptions`. */
  readonly sourceDateEpoch?: number;
  /** Media type family of the descriptor; default `oci`. */
  readonly mediaTypes?: MediaTypeFlavor;
  /** Ingest reference for the content store; default a random one. */
  readonly ref?: string;
}

/** What {@link diff} wrote. */
export interface LayerDiffResult {
  /** The (compressed) blob in content: media type, digest, size in bytes. */
  readonly descriptor: Descriptor;
  /** sha256 of the uncompressed tar: the image config's `rootfs.diff_ids` entry. */
  readonly diffId: Digest;
  /** Length of the uncompressed tar in bytes. */
  readonly uncompressedSize: number;
}

const mediaTypes: Readonly<Record<MediaTypeFlavor, Record<LayerCompressionKind, string>>> = {
  oci: { gzip: MediaType.ociLayerGzip, zstd: MediaType.ociLayerZstd, uncompressed: MediaType.ociLayer },
  docker: { gzip: MediaType.dockerLayerGzip, zstd: MediaType.dockerLayerZstd, uncompressed: MediaType.dockerLayer },
};

/**
 * Writes the changes from `lower` to `upper` as a layer blob into `content`
 * and returns its descriptor and diff_id. When `upper` is one overlay mount
 * whose lower directories are exactly what `lower` shows, the changes are
 * read straight from its upper directory; otherwise both are mounted
 * read-only (bind mounts are used in place) and compared. Streams end to end:
 * memory does not grow with the layer. The blob is committed only when
 * complete; on any failure the ingest is aborted and nothing is visible.
 *
 * @throws whatever mounting, reading or the content store throws;
 *   DataLossError when a file changes while it is read.
 */
export async function diff(lower: readonly Mount[], upper: readonly Mount[], content: LayerContentStore, options: LayerDiffOptions = {}): Promise<LayerDiffResult> {
  const compression = options.compression ?? 'gzip';
  const write = (changes: ReturnType<typeof diffDirectories>) => writeBlob(changes, content, compression, options);
  const overlay = overlayDirs(upper);
  const lowerStack = layerStack(lower);
  if (overlay?.upperdir !== undefined && lowerStack !== undefined && sameList(overlay.lowerdirs, lowerStack)) {
    return write(diffDirectories(undefined, overlay.upperdir, { mode: 'overlay-upper' }));
  }
  return withMountedDir(upper, true, (upperDir) =>
    lower.length === 0
      ? write(diffDirectories(undefined, upperDir, { mode: 'compare' }))
      : withMountedDir(lower, true, (lowerDir) => write(diffDirectories(lowerDir, upperDir, { mode: 'compare' }))),
  );
}

async function writeBlob(
  changes: ReturnType<typeof diffDirectories>,
  content: LayerContentStore,
  compression: LayerCompressionKind,
  options: LayerDiffOptions,
): Promise<LayerDiffResult> {
  const tarTap = new HashTap();
  const blobTap = new HashTap();
  const tar = tarTap.tap(layerTar(changes, options.sourceDateEpoch === undefined ? {} : { sourceDateEpoch: options.sourceDateEpoch }));
  const compressor = createCompressor(compression, options.level);
  const blob = blobTap.tap(compressor === undefined ? tar : through(tar, compressor));
  const writer = await content.writer(options.ref ?? `layer-diff-${randomUUID()}`);
  try {
    for await (const chunk of blob) await writer.write(chunk);
    const digest = blobTap.digest();
    await writer.commit(blobTap.size, digest);
    return {
      descriptor: { mediaType: mediaTypes[options.mediaTypes ?? 'oci'][compression], digest, size: blobTap.size },
      diffId: compressor === undefined ? digest : tarTap.digest(),
      uncompressedSize: tarTap.size,
    };
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

