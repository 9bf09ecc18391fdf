import { InvalidArgumentError } from '@kiln/errors';
import {
  MediaType, normalizeReference, parseImageIndex, parseReference, referenceToString, serializeImageIndex,
  type Descriptor, type ImageIndex,
} from '@kiln/oci';
import { containerdImageNameAnnotation, refNameAnnotation } from './annotations.js';

/** An image to write into an archive: its manifest or index, and the names it goes by (may be none). */
export interface ArchiveImage {
  /** The image's manifest or index (as in the image store). */
  readonly target: Descriptor;
  /** Image references (`busybox`, `docker.io/library/busybox:1.36`); normalised when written. */
  readonly names: readonly string[];
}

/** One image named in an archive: what the archive's index (or manifest.json) says about it. */
export interface ArchiveEntry {
  readonly target: Descriptor;
  /**
   * Full, normalised references (`docker.io/library/busybox:latest`) for this
   * target, in archive order, without duplicates: from `io.containerd.image.name`,
   * else from a `org.opencontainers.image.ref.name` that is a whole reference,
   * else `<defaultRepository>:<ref.name>` when the caller gave a repository.
   * Empty when the archive does not name the image.
   */
  readonly names: readonly string[];
  /** The raw `org.opencontainers.image.ref.name` values (OCI layouts often hold only a tag there). */
  readonly refNames: readonly string[];
}

/**
 * A name as the image store keeps it: `busybox` → `docker.io/library/busybox:latest`.
 *
 * @throws InvalidArgumentError (from `parseReference`) quoting a malformed name.
 */
export function normalizeImageName(name: string): string {
  return referenceToString(normalizeReference(parseReference(name)));
}

/**
 * The `index.json` of a layout holding `images`: one entry per name (an image
 * with no name gets one unnamed entry), each annotated as BuildKit and
 * containerd do: `io.containerd.image.name` = the full name,
 * `org.opencontainers.image.ref.name` = its tag (what `skopeo … oci:DIR:TAG`
 * looks up). Compact JSON with Go's field order.
 *
 * @throws InvalidArgumentError for a malformed name.
 */
export function layoutIndexJson(images: readonly ArchiveImage[]): string {
  const manifests: Descriptor[] = [];
  for (const image of images) {
    const base = image.target;
    if (image.names.length === 0) manifests.push(base);
    for (const name of image.names) {
      const ref = normalizeReference(parseReference(name));
      manifests.push({
        ...base,
        annotations: {
          ...base.annotations,
          [containerdImageNameAnnotation]: referenceToString(ref),
          ...(ref.tag !== undefined ? { [refNameAnnotation]: ref.tag } : {}),
        },
      });
    }
  }
  const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests };
  return serializeImageIndex(index);
}

/**
 * Parses a layout's `index.json` into its images, entries with the same
 * target merged (their names joined). `defaultRepository` turns a bare tag in
 * `ref.name` into a name.
 *
 * @throws InvalidArgumentError quoting what is malformed.
 */
export function readLayoutIndex(text: string, options: { readonly defaultRepository?: string } = {}): { index: ImageIndex; entries: ArchiveEntry[] } {
  let index: ImageIndex;
  try {
    index = parseImageIndex(text);
  } catch (cause) {
    throw new InvalidArgumentError(`index.json: ${(cause as Error).message}`, { cause });
  }
  const byDigest = new Map<string, { target: Descriptor; names: string[]; refNames: string[] }>();
  for (const descriptor of index.manifests) {
    const { [containerdImageNameAnnotation]: fullName, [refNameAnnotation]: refName, ...rest } = descriptor.annotations ?? {};
    let entry = byDigest.get(descriptor.digest);
    if (entry === undefined) {
      const { annotations: _dropped, ...plain } = descriptor;
      entry = { target: Object.keys(rest).length > 0 ? { ...plain, annotations: rest } : plain, names: [], refNames: [] };
      byDigest.set(descriptor.digest, entry);
    }
    if (refName !== undefined && !entry.refNames.includes(refName)) entry.refNames.push(refName);
    const name = nameOf(fullName, refName, options.defaultRepository);
    if (name !== undefined && !entry.names.includes(name)) entry.names.push(name);
  }
  return { index, entries: [...byDigest.values()] };
}

function nameOf(fullName: string | undefined, refName: string | undefined, defaultRepository: string | undefined): string | undefined {
  const attempt = (text: string): string | undefined => {
    try {
      return normalizeImageName(text);
    } catch {
      return undefined;
    }
  };
  if (fullName !== undefined) {
    const name = attempt(fullName);
    if (name !== undefined) return name;
  }
  if (refName === undefined) return undefined;
  // A ref.name with a `/` or `:` (skopeo's `oci:DIR:name:tag`) is a whole reference; without, it is a tag.
  if (/[/:@]/.test(refName)) return attempt(refName);
  return defaultRepository === undefined ? undefined : attempt(`${defaultRepository}:${refName}`);
}
