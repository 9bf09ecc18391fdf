import { dockerArchiveTar, ociLayoutTar, writeOciLayoutDir, type ArchiveImage } from '@kiln/archive';
import type { LocalContentStore } from '@kiln/content';
import type { Descriptor } from '@kiln/oci';
import { writeBytesTo, type ByteSinkDeps } from './byte-sink.js';
import type { ExportedImage } from './export-image.js';
import { formatGoTime } from './image-history.js';

/** The annotation BuildKit's OCI exporter puts on the index entry: when the image was exported. */
export const createdAnnotation = 'org.opencontainers.image.created';

/** Options of the archive outputs. */
export interface ArchiveOutputOptions {
  /** Names written into the archive (normalised there); may be empty. */
  readonly names: readonly string[];
  /** Milliseconds since the epoch for the index's `org.opencontainers.image.created` (BuildKit: the epoch, else now). */
  readonly createdAt: number;
}

/** Deps of the archive outputs. */
export interface ArchiveOutputDeps extends ByteSinkDeps {
  readonly content: LocalContentStore;
}

function archiveImage(image: ExportedImage, options: ArchiveOutputOptions): ArchiveImage {
  const target: Descriptor = { ...image.manifest, annotations: { ...image.manifest.annotations, [createdAnnotation]: formatGoTime(options.createdAt) } };
  return { target, names: options.names };
}

/**
 * `type=oci`: the image as an OCI image layout — a tar at `dest` (`-` for
 * standard output) or, with `tar: false`, the directory `dest` (created; it
 * must be empty). `index.json` names the image by every name (BuildKit's
 * `io.containerd.image.name` and `org.opencontainers.image.ref.name`) and
 * carries `org.opencontainers.image.created`.
 *
 * @throws AlreadyExistsError for a non-empty directory; InvalidArgumentError
 *   for a bad name or `-` without standard output; NotFoundError when a blob
 *   is missing (checked before the first byte).
 */
export async function writeOciOutput(image: ExportedImage, dest: string, tar: boolean, deps: ArchiveOutputDeps, options: ArchiveOutputOptions): Promise<void> {
  const images = [archiveImage(image, options)];
  if (!tar) return writeOciLayoutDir(deps.content, images, dest);
  await writeBytesTo(dest, ociLayoutTar(deps.content, images), deps, 'type=oci');
}

/**
 * `type=docker`: a `docker load` archive of the image at `dest` (`-` for
 * standard output), tagged with every name that has a tag.
 *
 * @throws as {@link writeOciOutput}.
 */
export async function writeDockerOutput(image: ExportedImage, dest: string, deps: ArchiveOutputDeps, options: ArchiveOutputOptions): Promise<void> {
  await writeBytesTo(dest, dockerArchiveTar(deps.content, [archiveImage(image, options)]), deps, 'type=docker');
}
