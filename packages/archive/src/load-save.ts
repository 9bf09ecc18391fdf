import { InvalidArgumentError } from '@kiln/errors';
import type { ContentRoot, ImageStore, LocalContentStore } from '@kiln/content';
import type { Descriptor, Platform } from '@kiln/oci';
import { importArchive, importArchiveStream, type ImportResult } from './import-archive.js';
import { normalizeImageName, type ArchiveImage } from './layout-index.js';
import { dockerArchiveTar } from './write-docker-archive.js';
import { ociLayoutTar, writeFileAtomic, writeOciLayoutDir } from './write-oci-layout.js';

/** The formats `kiln save` writes: an OCI image layout, or a `docker save` archive. */
export type SaveFormat = 'oci' | 'docker';

/** Options of {@link loadArchive}. */
export interface LoadOptions {
  /** Repository for images an OCI layout names by tag only (`ref.name` = `latest`). */
  readonly defaultRepository?: string;
}

/** What {@link loadArchive} did. */
export interface LoadResult extends ImportResult {
  /** The names now pointing at the loaded images, in archive order. */
  readonly named: readonly string[];
  /** Loaded images the archive gives no name: stored, but not registered (and so collectable by GC). */
  readonly unnamed: readonly Descriptor[];
}

/**
 * `kiln load`: imports an archive (a path: OCI layout directory or tar, docker
 * archive; or a tar stream with a name for errors) into the root's content
 * under a lease, then points every name the archive gives at its image in
 * the image store, then drops the lease. A failed load registers nothing and
 * leaves only complete, verified blobs that GC may collect.
 *
 * @throws as `importArchive`.
 */
export async function loadArchive(
  root: ContentRoot,
  input: string | { readonly stream: AsyncIterable<Uint8Array>; readonly name: string },
  options: LoadOptions = {},
): Promise<LoadResult> {
  const lease = root.leases.create({ labels: { 'kiln.archive.load': typeof input === 'string' ? input : input.name } });
  try {
    const importOptions = {
      content: root.content,
      onBlob: (digest: Descriptor['digest']) => root.leases.addResources(lease.id, [{ digest }]),
      ...(options.defaultRepository !== undefined ? { defaultRepository: options.defaultRepository } : {}),
    };
    const result = typeof input === 'string' ? await importArchive(input, importOptions) : await importArchiveStream(input.stream, input.name, importOptions);
    const named: string[] = [];
    const unnamed: Descriptor[] = [];
    for (const image of result.images) {
      if (image.names.length === 0) unnamed.push(image.target);
      for (const name of image.names) {
        root.images.put(name, image.target);
        named.push(name);
      }
    }
    return { ...result, named, unnamed };
  } finally {
    root.leases.delete(lease.id);
  }
}

/**
 * The images `refs` name in the image store, ready to save: names are
 * normalised (`busybox` → `docker.io/library/busybox:latest`), and names of
 * the same target become one image with several names.
 *
 * @throws InvalidArgumentError for a malformed or empty list; NotFoundError for an unknown name.
 */
export function imagesFromStore(images: ImageStore, refs: readonly string[]): ArchiveImage[] {
  if (refs.length === 0) throw new InvalidArgumentError('no images to save: name at least one');
  const byTarget = new Map<string, { target: Descriptor; names: string[] }>();
  for (const ref of refs) {
    const name = normalizeImageName(ref);
    const { target } = images.get(name);
    const image = byTarget.get(target.digest) ?? { target, names: [] };
    if (!image.names.includes(name)) image.names.push(name);
    byTarget.set(target.digest, image);
  }
  return [...byTarget.values()];
}

/** Options of {@link archiveStream} and {@link saveArchive}. */
export interface SaveOptions {
  readonly format: SaveFormat;
  /** Docker archives only: which image of a multi-platform index to write. */
  readonly platform?: Platform;
}

/** The archive of `images` as a tar stream (for stdout): an OCI layout tar or a docker archive. */
export function archiveStream(content: LocalContentStore, images: readonly ArchiveImage[], options: SaveOptions): AsyncGenerator<Buffer> {
  return options.format === 'oci'
    ? ociLayoutTar(content, images)
    : dockerArchiveTar(content, images, options.platform !== undefined ? { platform: options.platform } : {});
}

/**
 * `kiln save`: writes `images` to `output` — a tar file (replaced atomically:
 * a failed save leaves no partial file), or with `{ dir }` an OCI layout
 * directory (OCI format only).
 *
 * @throws InvalidArgumentError for a docker archive asked as a directory; as the writers otherwise.
 */
export async function saveArchive(
  content: LocalContentStore,
  images: readonly ArchiveImage[],
  output: { readonly file: string } | { readonly dir: string },
  options: SaveOptions,
): Promise<void> {
  if ('dir' in output) {
    if (options.format !== 'oci') throw new InvalidArgumentError(`a ${options.format} archive is a tar file; only the oci format can be written as a directory`);
    await writeOciLayoutDir(content, images, output.dir);
    return;
  }
  await writeFileAtomic(output.file, archiveStream(content, images, options));
}
