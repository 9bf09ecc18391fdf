import type { ContentStore, ImageRecord } from '@kiln/content';
import {
  formatPlatform,
  indexMediaTypes,
  parseImageConfig,
  parseManifestDocument,
  platformMatcher,
  type Descriptor,
  type Digest,
  type Platform,
} from '@kiln/oci';
import { displayName } from './image-names.js';

/** One named image as `kiln images` shows it. */
export interface ImageSummary {
  /** The stored, fully normalised name (`docker.io/library/busybox:latest`). */
  readonly name: string;
  /** The name as docker shows it (`busybox:latest`). */
  readonly familiar: string;
  /** Familiar repository (`busybox`, `127.0.0.1:5000/app`). */
  readonly repository: string;
  /** The tag, or `<none>` for a name by digest. */
  readonly tag: string;
  /** The manifest or index the name points at. */
  readonly target: Descriptor;
  /**
   * The image ID: the config digest (for an index, that of the manifest kept
   * for the host platform, else of the first one present). The target digest
   * when the config cannot be read.
   */
  readonly id: Digest;
  /**
   * Bytes the image's content takes in the store, as stored (layers a build
   * made are uncompressed until a push compresses them; pulled layers stay
   * compressed): manifests, config and layer blobs that are present (blobs shared with
   * other images are counted in each). This is docker's "content size", not
   * the unpacked size classic `docker images` shows.
   */
  readonly size: number;
  /** The config's `created` time (RFC 3339), when it has one. */
  readonly created: string | undefined;
  /** `os/arch[/variant]` of the image the ID belongs to, when known. */
  readonly platform: string | undefined;
}

interface Described {
  readonly id: Digest;
  readonly size: number;
  readonly created: string | undefined;
  readonly platform: string | undefined;
}

/**
 * Describes a stored image from its manifest and config. Missing content is
 * not an error (an image may be partly present); what cannot be read is left
 * out of the size.
 */
export async function summarizeImage(content: ContentStore, record: ImageRecord, host: Platform): Promise<ImageSummary> {
  const described = await describe(content, record.target, host);
  const shown = displayName(record.name);
  return { name: record.name, familiar: shown.familiar, repository: shown.repository, tag: shown.tag, target: record.target, ...described };
}

async function describe(content: ContentStore, target: Descriptor, host: Platform): Promise<Described> {
  const text = await readText(content, target.digest);
  if (text === undefined) return { id: target.digest, size: 0, created: undefined, platform: undefined };
  const document = parseManifestDocument(text, target.mediaType);
  if (document.kind === 'index' || indexMediaTypes.includes(target.mediaType)) {
    if (document.kind !== 'index') return { id: target.digest, size: target.size, created: undefined, platform: undefined };
    const matcher = platformMatcher(host);
    const children = document.index.manifests.filter((m) => !indexMediaTypes.includes(m.mediaType));
    children.sort((a, b) => (a.platform && b.platform ? matcher.compare(a.platform, b.platform) : 0));
    let size = target.size;
    let chosen: Described | undefined;
    for (const child of children) {
      if (!(await content.has(child.digest))) continue;
      const one = await describe(content, child, host);
      size += one.size;
      chosen ??= one;
    }
    return { id: chosen?.id ?? target.digest, size, created: chosen?.created, platform: chosen?.platform };
  }
  const { manifest } = document;
  let size = target.size;
  for (const blob of [manifest.config, ...manifest.layers]) size += (await content.has(blob.digest)) ? blob.size : 0;
  const configText = await readText(content, manifest.config.digest);
  let created: string | undefined;
  let platform: string | undefined;
  if (configText !== undefined) {
    try {
      const config = parseImageConfig(configText);
      created = config.created;
      platform = formatPlatform({ os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) });
    } catch {
      // Not an image config (an artifact): it still has an ID, just no time or platform.
    }
  }
  return { id: manifest.config.digest, size, created, platform };
}

async function readText(content: ContentStore, digest: Digest): Promise<string | undefined> {
  try {
    return (await content.readBytes(digest)).toString('utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'NotFound') return undefined;
    throw error;
  }
}
