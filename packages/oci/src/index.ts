/**
 * @packageDocumentation
 * The OCI and Docker image model, pure data: digests, descriptors, image
 * manifests, indexes and configs (read OCI and Docker schema 2; write OCI by
 * default, Docker on request), platforms normalised and matched like
 * containerd, and image references parsed like docker. Nothing here touches
 * the file system or the running process; hashing lives in `@kiln/content`.
 */
export { type Digest, type DigestAlgorithm, parseDigest, isDigest, digestAlgorithm, digestHex, sha256Digest } from './digest.js';
export {
  MediaType,
  type MediaTypeFlavor,
  type LayerCompression,
  manifestMediaTypes,
  indexMediaTypes,
  configMediaTypes,
  isLayerMediaType,
  layerCompression,
  convertMediaType,
} from './media-types.js';
export { type Descriptor, decodeDescriptor, decodePlatform } from './descriptor.js';
export {
  type ImageManifest,
  type SerializeOptions,
  decodeImageManifest,
  parseImageManifest,
  serializeImageManifest,
} from './image-manifest.js';
export {
  type ImageIndex,
  type ManifestDocument,
  decodeImageIndex,
  parseImageIndex,
  parseManifestDocument,
  serializeImageIndex,
} from './image-index.js';
export {
  type ImageConfig,
  type ContainerConfig,
  type Healthcheck,
  type HistoryEntry,
  decodeImageConfig,
  parseImageConfig,
  serializeImageConfig,
} from './image-config.js';
export {
  type Platform,
  normalizePlatform,
  normalizeOs,
  normalizeArchitecture,
  parsePlatform,
  formatPlatform,
  samePlatform,
} from './platform.js';
export { type PlatformMatcher, compatiblePlatforms, platformMatcher, platformMatches } from './platform-match.js';
export {
  type ImageReference,
  defaultDomain,
  defaultTag,
  parseReference,
  normalizeReference,
  repositoryName,
  referenceToString,
  familiarName,
  familiarString,
} from './reference.js';
export { goJson } from './go-json.js';
