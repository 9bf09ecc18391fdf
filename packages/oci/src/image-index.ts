import { InvalidArgumentError } from '@kiln/errors';
import { decodeDescriptor, decodeDescriptors, descriptorJson, type Descriptor } from './descriptor.js';
import { goJson, sortedRecord } from './go-json.js';
import { documentMediaType, decodeImageManifest, type ImageManifest, type SerializeOptions } from './image-manifest.js';
import { asObject, optString, optStringMap, parseJsonText, quote } from './json-shape.js';
import { convertMediaType, MediaType } from './media-types.js';

/** An image index (OCI) or manifest list (Docker): manifests for several platforms. */
export interface ImageIndex {
  readonly schemaVersion: 2;
  readonly mediaType: typeof MediaType.ociIndex | typeof MediaType.dockerManifestList;
  readonly artifactType?: string;
  readonly manifests: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * Validates a decoded JSON value as an index or manifest list.
 *
 * @param mediaType the media type the document was fetched or referenced as, if known.
 * @throws InvalidArgumentError naming the field and quoting the value, also
 *   when the media type is not an index type (reported by name).
 */
export function decodeImageIndex(value: unknown, mediaType?: string): ImageIndex {
  const o = asObject(value, 'index');
  const type = documentMediaType(o, mediaType, 'index');
  if (type !== MediaType.ociIndex && type !== MediaType.dockerManifestList) {
    throw new InvalidArgumentError(
      `index: unsupported media type ${quote(type)}, expected ${quote(MediaType.ociIndex)} or ${quote(MediaType.dockerManifestList)}`,
    );
  }
  const manifests = decodeDescriptors(o.manifests, 'index.manifests');
  if (manifests === undefined) throw new InvalidArgumentError(`index.manifests: expected an array of descriptors, got ${quote(o.manifests)}`);
  const artifactType = optString(o.artifactType, 'index.artifactType');
  const annotations = optStringMap(o.annotations, 'index.annotations');
  const subject = o.subject === undefined || o.subject === null ? undefined : decodeDescriptor(o.subject, 'index.subject');
  return {
    schemaVersion: 2,
    mediaType: type,
    ...(artifactType ? { artifactType } : {}),
    manifests,
    ...(subject ? { subject } : {}),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}

/** Parses index JSON text; see {@link decodeImageIndex}. */
export function parseImageIndex(text: string, mediaType?: string): ImageIndex {
  return decodeImageIndex(parseJsonText(text, 'index'), mediaType);
}

/** A manifest or an index, told apart by media type (or by shape when untyped). */
export type ManifestDocument =
  | { readonly kind: 'manifest'; readonly manifest: ImageManifest }
  | { readonly kind: 'index'; readonly index: ImageIndex };

/**
 * Parses what a registry or store returned for a reference: an image manifest
 * or an index. `mediaType` is the Content-Type or descriptor media type, if
 * known.
 *
 * @throws InvalidArgumentError for malformed JSON or an unknown media type (named in the message).
 */
export function parseManifestDocument(text: string, mediaType?: string): ManifestDocument {
  const value = parseJsonText(text, 'manifest');
  const type = documentMediaType(asObject(value, 'manifest'), mediaType, 'manifest');
  if (type === MediaType.ociIndex || type === MediaType.dockerManifestList) {
    return { kind: 'index', index: decodeImageIndex(value, mediaType) };
  }
  return { kind: 'manifest', manifest: decodeImageManifest(value, mediaType) };
}

/**
 * Canonical JSON of an index in Go's field order. With `mediaTypes: 'docker'`
 * the index and the entries' manifest types are written as Docker types.
 */
export function serializeImageIndex(index: ImageIndex, options: SerializeOptions = {}): string {
  const flavor = options.mediaTypes ?? 'oci';
  const annotations = sortedRecord(index.annotations);
  const json = {
    schemaVersion: 2,
    mediaType: convertMediaType(index.mediaType, flavor),
    ...(index.artifactType ? { artifactType: index.artifactType } : {}),
    manifests: index.manifests.map((m) => descriptorJson(m, convertMediaType(m.mediaType, flavor))),
    ...(index.subject ? { subject: descriptorJson(index.subject) } : {}),
    ...(annotations ? { annotations } : {}),
  };
  return goJson(json, options.indent ?? 0);
}
