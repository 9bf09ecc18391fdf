import { InvalidArgumentError, UnsupportedError } from '@kiln/errors';
import { decodeDescriptor, decodeDescriptors, descriptorJson, type Descriptor } from './descriptor.js';
import { goJson, sortedRecord } from './go-json.js';
import { asObject, optString, optStringMap, parseJsonText, quote, type JsonObject } from './json-shape.js';
import { convertMediaType, MediaType, type MediaTypeFlavor } from './media-types.js';

/**
 * A single-platform image manifest, OCI or Docker schema 2 (the same shape;
 * `mediaType` tells which). `layers` are base first.
 */
export interface ImageManifest {
  readonly schemaVersion: 2;
  readonly mediaType: typeof MediaType.ociManifest | typeof MediaType.dockerManifest;
  readonly artifactType?: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Options of the serialisers: which media types to write, and indentation. */
export interface SerializeOptions {
  /** `oci` (default) or `docker`: the family of media types written for the document and its descriptors. */
  readonly mediaTypes?: MediaTypeFlavor;
  /** Spaces per level; 0 (default) writes compact JSON. */
  readonly indent?: number;
}

/**
 * Checks `schemaVersion` and the media type of a manifest or index document.
 * The document's own `mediaType` wins; `hint` (a Content-Type or a
 * descriptor's media type) fills in when the document has none, and they must
 * agree when both are set.
 */
export function documentMediaType(o: JsonObject, hint: string | undefined, what: string): string {
  const own = optString(o.mediaType, `${what}.mediaType`);
  if (o.schemaVersion === 1 || own === MediaType.dockerSchema1Manifest || own === MediaType.dockerSchema1SignedManifest) {
    throw new UnsupportedError(`${what}: Docker schema 1 manifests are not supported (media type ${quote(own ?? hint)})`);
  }
  if (o.schemaVersion !== 2) throw new InvalidArgumentError(`${what}.schemaVersion: expected 2, got ${quote(o.schemaVersion)}`);
  if (own !== undefined && hint !== undefined && own !== hint && !hint.startsWith('application/json')) {
    throw new InvalidArgumentError(`${what}.mediaType: the document says ${quote(own)} but it was fetched as ${quote(hint)}`);
  }
  const mediaType = own ?? hint;
  if (mediaType !== undefined) return mediaType;
  // OCI allows the field to be absent; its shape then tells manifest from index.
  return 'manifests' in o ? MediaType.ociIndex : MediaType.ociManifest;
}

/**
 * Validates a decoded JSON value as an image manifest.
 *
 * @param mediaType the media type the document was fetched or referenced as, if known.
 * @throws InvalidArgumentError naming the field and quoting the value when the
 *   document is malformed or its media type is not a manifest type (by name);
 *   UnsupportedError for Docker schema 1.
 */
export function decodeImageManifest(value: unknown, mediaType?: string): ImageManifest {
  const o = asObject(value, 'manifest');
  const type = documentMediaType(o, mediaType, 'manifest');
  if (type !== MediaType.ociManifest && type !== MediaType.dockerManifest) {
    throw new InvalidArgumentError(
      `manifest: unsupported media type ${quote(type)}, expected ${quote(MediaType.ociManifest)} or ${quote(MediaType.dockerManifest)}`,
    );
  }
  const layers = decodeDescriptors(o.layers, 'manifest.layers');
  if (layers === undefined) throw new InvalidArgumentError(`manifest.layers: expected an array of descriptors, got ${quote(o.layers)}`);
  const artifactType = optString(o.artifactType, 'manifest.artifactType');
  const annotations = optStringMap(o.annotations, 'manifest.annotations');
  const subject = o.subject === undefined || o.subject === null ? undefined : decodeDescriptor(o.subject, 'manifest.subject');
  return {
    schemaVersion: 2,
    mediaType: type,
    ...(artifactType ? { artifactType } : {}),
    config: decodeDescriptor(o.config, 'manifest.config'),
    layers,
    ...(subject ? { subject } : {}),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}

/** Parses manifest JSON text; see {@link decodeImageManifest}. */
export function parseImageManifest(text: string, mediaType?: string): ImageManifest {
  return decodeImageManifest(parseJsonText(text, 'manifest'), mediaType);
}

/**
 * Canonical JSON of a manifest in Go's field order (what BuildKit writes, so
 * equal manifests get equal digests). With `mediaTypes: 'docker'` the manifest,
 * config and layer media types are written as Docker schema 2 types.
 */
export function serializeImageManifest(manifest: ImageManifest, options: SerializeOptions = {}): string {
  const flavor = options.mediaTypes ?? 'oci';
  const annotations = sortedRecord(manifest.annotations);
  const json = {
    schemaVersion: 2,
    mediaType: convertMediaType(manifest.mediaType, flavor),
    ...(manifest.artifactType ? { artifactType: manifest.artifactType } : {}),
    config: descriptorJson(manifest.config, convertMediaType(manifest.config.mediaType, flavor)),
    layers: manifest.layers.map((layer) => descriptorJson(layer, convertMediaType(layer.mediaType, flavor))),
    ...(manifest.subject ? { subject: descriptorJson(manifest.subject) } : {}),
    ...(annotations ? { annotations } : {}),
  };
  return goJson(json, options.indent ?? 0);
}
