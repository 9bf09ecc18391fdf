import { parseDigest, type Digest } from './digest.js';
import { sortedRecord } from './go-json.js';
import { asCount, asObject, asString, optArray, optString, optStringArray, optStringMap } from './json-shape.js';
import type { Platform } from './platform.js';

/**
 * Points at content: its media type, digest and size in bytes. Field names
 * are the OCI JSON names, so a descriptor serialises as the spec writes it.
 */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: Digest;
  /** Size of the content in bytes. */
  readonly size: number;
  readonly urls?: readonly string[];
  readonly annotations?: Readonly<Record<string, string>>;
  /** Set on the entries of an index: the platform the manifest is for. */
  readonly platform?: Platform;
  readonly artifactType?: string;
  /** The content itself, base64, for small embedded blobs. */
  readonly data?: string;
}

/**
 * Validates a decoded JSON value as a descriptor. `path` names it in errors
 * (for example `manifest.layers[0]`).
 *
 * @throws InvalidArgumentError naming the field and quoting the value when a
 *   field is missing or malformed.
 */
export function decodeDescriptor(value: unknown, path = 'descriptor'): Descriptor {
  const o = asObject(value, path);
  const digestText = asString(o.digest, `${path}.digest`);
  const mediaType = asString(o.mediaType, `${path}.mediaType`);
  const urls = optStringArray(o.urls, `${path}.urls`);
  const annotations = optStringMap(o.annotations, `${path}.annotations`);
  const platform = o.platform === undefined || o.platform === null ? undefined : decodePlatform(o.platform, `${path}.platform`);
  const artifactType = optString(o.artifactType, `${path}.artifactType`);
  const data = optString(o.data, `${path}.data`);
  return {
    mediaType,
    digest: parseDigest(digestText),
    size: asCount(o.size, `${path}.size`),
    ...(urls && urls.length > 0 ? { urls } : {}),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
    ...(platform ? { platform } : {}),
    ...(artifactType ? { artifactType } : {}),
    ...(data ? { data } : {}),
  };
}

/** Validates a decoded JSON value as a {@link Platform} (not normalised). */
export function decodePlatform(value: unknown, path = 'platform'): Platform {
  const o = asObject(value, path);
  const osVersion = optString(o['os.version'], `${path}["os.version"]`);
  const osFeatures = optStringArray(o['os.features'], `${path}["os.features"]`);
  const variant = optString(o.variant, `${path}.variant`);
  return {
    architecture: asString(o.architecture, `${path}.architecture`),
    os: asString(o.os, `${path}.os`),
    ...(osVersion ? { 'os.version': osVersion } : {}),
    ...(osFeatures && osFeatures.length > 0 ? { 'os.features': osFeatures } : {}),
    ...(variant ? { variant } : {}),
  };
}

/** Decodes an optional array of descriptors. */
export function decodeDescriptors(value: unknown, path: string): Descriptor[] | undefined {
  return optArray(value, path, decodeDescriptor);
}

/** A platform as a plain object in Go's field order, for serialising. */
export function platformJson(p: Platform): Record<string, unknown> {
  return {
    architecture: p.architecture,
    os: p.os,
    ...(p['os.version'] ? { 'os.version': p['os.version'] } : {}),
    ...(p['os.features'] && p['os.features'].length > 0 ? { 'os.features': p['os.features'] } : {}),
    ...(p.variant ? { variant: p.variant } : {}),
  };
}

/**
 * A descriptor as a plain object in Go's field order (mediaType, digest, size,
 * urls, annotations with sorted keys, data, platform, artifactType), with
 * `mediaType` replaced by `mediaType` when given (for Docker conversion).
 */
export function descriptorJson(d: Descriptor, mediaType = d.mediaType): Record<string, unknown> {
  const annotations = sortedRecord(d.annotations);
  return {
    mediaType,
    digest: d.digest,
    size: d.size,
    ...(d.urls && d.urls.length > 0 ? { urls: d.urls } : {}),
    ...(annotations ? { annotations } : {}),
    ...(d.data ? { data: d.data } : {}),
    ...(d.platform ? { platform: platformJson(d.platform) } : {}),
    ...(d.artifactType ? { artifactType: d.artifactType } : {}),
  };
}
