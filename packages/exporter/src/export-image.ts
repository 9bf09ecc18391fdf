import { normalizeImageName } from '@kiln/archive';
import { digestBytes, type ContentRoot } from '@kiln/content';
import {
  convertMediaType, MediaType, serializeImageConfig, serializeImageManifest,
  type Descriptor, type Digest, type ImageConfig, type ImageManifest,
} from '@kiln/oci';
import type { ExportableRef, ExportLayer } from './exportable-ref.js';
import { finalizeImageConfig } from './finalize-image-config.js';
import { selectAnnotations } from './image-annotations.js';
import type { ImageExportOptions } from './image-export-options.js';
import { isPlainTarLayer, needsRecompression, recompressLayer } from './recompress-layer.js';

/** BuildKit's layer annotation: the layer's mtimes were clamped to this epoch (seconds). */
export const rewrittenTimestampAnnotation = 'buildkit/rewritten-timestamp';

/** What {@link exportImage} builds the image from. */
export interface ImageExportInput {
  /** The build's result (not released here), or `undefined` for an image with no layers (`FROM scratch` and no layer step). */
  readonly root: ExportableRef | undefined;
  /** The frontend's config: `rootfs.diff_ids` is ignored (filled here), history entries carry `empty_layer`. */
  readonly config: ImageConfig;
}

/** Where {@link exportImage} writes. */
export interface ImageExportDeps {
  readonly contentRoot: ContentRoot;
  /** Milliseconds since the epoch; default `Date.now` (a parameter so tests can pin time). */
  readonly now?: () => number;
}

/** Options of {@link exportImage}. */
export interface ExportImageOptions extends ImageExportOptions {
  /** SOURCE_DATE_EPOCH in seconds: clamps `created` in the config and its history. */
  readonly sourceDateEpoch?: number;
  /** Names to store the image under (`-t`), normalised (`app` → `docker.io/library/app:latest`). */
  readonly names?: readonly string[];
}

/**
 * An image written into the content store. Its blobs are held by a lease
 * until {@link ExportedImage.release}, so outputs can read them even when the
 * image has no name; names in the image store keep it afterwards.
 */
export interface ExportedImage {
  /**
   * The manifest's descriptor, with the `annotation-manifest-descriptor.*`
   * annotations (the image store names it without them).
   */
  readonly manifest: Descriptor;
  /** The config's descriptor. */
  readonly config: Descriptor;
  /** The manifest digest (BuildKit's `containerimage.digest`). */
  readonly digest: Digest;
  /** The image id: the config digest (`containerimage.config.digest`, what `--iidfile` gets). */
  readonly imageId: Digest;
  /** Layer descriptors as written in the manifest (media types of the chosen family), with their diff_ids. */
  readonly layers: readonly ExportLayer[];
  /** The config as written. */
  readonly imageConfig: ImageConfig;
  /** The normalised names the image was stored under, in the order given, without duplicates. */
  readonly names: readonly string[];
  /** Notes on what the exporter had to fix (history that disagreed with the layers). */
  readonly warnings: readonly string[];
  /** Drops the lease on the image's blobs. Idempotent. */
  release(): Promise<void>;
}

const internalAnnotation = /^containerd\.io\//;

/**
 * Turns a build result into an image in the content store, as BuildKit's
 * image exporter does: the layers are `root.layers({ compression })` (made
 * and compressed on first use; base image layers keep their original blobs,
 * except uncompressed ones, from images kiln's store keeps uncompressed,
 * which are compressed when another compression is asked for),
 * the config is finalised (`rootfs.diff_ids`, history normalised against the
 * layers, `created` and the epoch clamp; see `finalizeImageConfig`), config
 * and manifest are written as canonical JSON with `@kiln/oci`'s serialisers,
 * and the manifest is stored under every name. Equal inputs give an equal
 * manifest digest.
 *
 * Every blob is added to a lease before it is relied upon, so garbage
 * collection running alongside cannot take it; the caller releases the
 * result when its outputs are written.
 *
 * @throws InvalidArgumentError for a malformed name (before anything is
 *   written); whatever making the layers or the content store throws.
 */
export async function exportImage(input: ImageExportInput, deps: ImageExportDeps, options: ExportImageOptions = {}): Promise<ExportedImage> {
  const names = [...new Set((options.names ?? []).map(normalizeImageName))];
  const flavor = options.mediaTypes ?? 'oci';
  const { contentRoot: root } = deps;
  const lease = root.leases.create({ labels: { 'kiln.exporter.image': names.join(',') } });
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    root.leases.delete(lease.id);
  };
  try {
    const epoch = options.sourceDateEpoch;
    const annotations = selectAnnotations(options.annotations, input.config);
    // kiln clamps by default when an epoch is set (see ImageExportOptions.rewriteTimestamp).
    const clampTo = epoch !== undefined && options.rewriteTimestamp !== false ? epoch : undefined;
    const compression = options.compression ?? 'gzip';
    const records =
      input.root === undefined
        ? []
        : await input.root.layers({
            ...(options.compression !== undefined ? { compression: options.compression } : {}),
            ...(options.compressionLevel !== undefined ? { compressionLevel: options.compressionLevel } : {}),
            ...(clampTo !== undefined ? { sourceDateEpoch: clampTo } : {}),
          });
    root.leases.addResources(lease.id, records.map((r) => ({ digest: r.descriptor.digest, mediaType: r.descriptor.mediaType })));
    const layers: ExportLayer[] = [];
    for (const r of records) {
      let descriptor = r.descriptor;
      // Uncompressed base layers (from an image a build stored) are compressed too, else a pushed or
      // archived image would carry plain tars nobody asked for; compressed ones keep their blobs.
      if ((options.forceCompression === true || isPlainTarLayer(descriptor)) && needsRecompression(descriptor, compression)) {
        descriptor = await recompressLayer(root, descriptor, compression, options.compressionLevel, lease.id);
      }
      const rewritten: Record<string, string> = clampTo !== undefined && r.origin === 'diff' ? { [rewrittenTimestampAnnotation]: String(clampTo) } : {};
      layers.push({ descriptor: manifestLayer(descriptor, flavor, rewritten), diffId: r.diffId });
    }

    const { config: imageConfig, warnings } = finalizeImageConfig(input.config, {
      diffIds: layers.map((l) => l.diffId),
      now: (deps.now ?? Date.now)(),
      layerCreatedAt: (i) => records[i]?.createdAt,
      describeLayer: (i) => records[i]?.description,
      ...(epoch !== undefined ? { sourceDateEpoch: epoch } : {}),
    });
    const config = await writeJson(root, serializeImageConfig(imageConfig), convertMediaType(MediaType.ociConfig, flavor), lease.id);
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config,
      layers: layers.map((l) => l.descriptor),
      ...(Object.keys(annotations.manifest).length > 0 ? { annotations: annotations.manifest } : {}),
    };
    const manifestDescriptor = await writeJson(
      root,
      serializeImageManifest(manifest, { mediaTypes: flavor }),
      convertMediaType(MediaType.ociManifest, flavor),
      lease.id,
    );
    for (const name of names) root.images.put(name, manifestDescriptor);
    const described = Object.keys(annotations.manifestDescriptor).length > 0 ? { ...manifestDescriptor, annotations: annotations.manifestDescriptor } : manifestDescriptor;
    return {
      manifest: described,
      config,
      digest: manifestDescriptor.digest,
      imageId: config.digest,
      layers,
      imageConfig,
      names,
      warnings,
      release,
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/** A layer descriptor as a manifest lists it: the chosen media type family, no store-internal annotations, plus `extra`. */
function manifestLayer(descriptor: Descriptor, flavor: 'oci' | 'docker', extra: Readonly<Record<string, string>>): Descriptor {
  const annotations = [...Object.entries(descriptor.annotations ?? {}).filter(([key]) => !internalAnnotation.test(key)), ...Object.entries(extra)];
  const { annotations: _dropped, platform: _platform, ...plain } = descriptor;
  return {
    ...plain,
    mediaType: convertMediaType(descriptor.mediaType, flavor),
    ...(annotations.length > 0 ? { annotations: Object.fromEntries(annotations) } : {}),
  };
}

/** Writes a JSON document under the lease (leased before it is written, so GC never sees it unprotected). */
async function writeJson(root: ContentRoot, text: string, mediaType: string, leaseId: string): Promise<Descriptor> {
  const digest = digestBytes(text);
  root.leases.addResources(leaseId, [{ digest, mediaType }]);
  const stored = await root.content.writeBytes(text, { digest });
  return { mediaType, digest: stored.digest, size: stored.size };
}
