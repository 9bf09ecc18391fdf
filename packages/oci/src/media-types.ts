/**
 * The media types kiln reads and writes. OCI types are the default; the Docker
 * schema 2 types are read always and written on request.
 */
export const MediaType = {
  /** An OCI descriptor on its own. */
  ociDescriptor: 'application/vnd.oci.descriptor.v1+json',
  /** An OCI image layout's `oci-layout` file. */
  ociLayoutHeader: 'application/vnd.oci.layout.header.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  /** The empty JSON object `{}`, used as the config of artifacts. */
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociLayerNondistributable: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  ociLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  ociLayerNondistributableZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayerZstd: 'application/vnd.docker.image.rootfs.diff.tar.zstd',
  dockerLayerForeign: 'application/vnd.docker.image.rootfs.foreign.diff.tar',
  dockerLayerForeignGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  /** Docker schema 1: recognised only to be refused by name. */
  dockerSchema1Manifest: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1SignedManifest: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/** One of {@link MediaType}'s values, or any other string a registry may send. */
export type MediaType = (typeof MediaType)[keyof typeof MediaType];

/** Which family of media types to write. */
export type MediaTypeFlavor = 'oci' | 'docker';

/** Media types of single-platform image manifests. */
export const manifestMediaTypes: readonly string[] = [MediaType.ociManifest, MediaType.dockerManifest];
/** Media types of indexes / manifest lists. */
export const indexMediaTypes: readonly string[] = [MediaType.ociIndex, MediaType.dockerManifestList];
/** Media types of image configs. */
export const configMediaTypes: readonly string[] = [MediaType.ociConfig, MediaType.dockerConfig];

/** The compression a layer media type says its bytes carry. */
export type LayerCompression = 'none' | 'gzip' | 'zstd';

const layerTypes: ReadonlyMap<string, LayerCompression> = new Map<string, LayerCompression>([
  [MediaType.ociLayer, 'none'],
  [MediaType.ociLayerGzip, 'gzip'],
  [MediaType.ociLayerZstd, 'zstd'],
  [MediaType.ociLayerNondistributable, 'none'],
  [MediaType.ociLayerNondistributableGzip, 'gzip'],
  [MediaType.ociLayerNondistributableZstd, 'zstd'],
  [MediaType.dockerLayer, 'none'],
  [MediaType.dockerLayerGzip, 'gzip'],
  [MediaType.dockerLayerZstd, 'zstd'],
  [MediaType.dockerLayerForeign, 'none'],
  [MediaType.dockerLayerForeignGzip, 'gzip'],
]);

/** True for every OCI or Docker layer media type in {@link MediaType}. */
export function isLayerMediaType(mediaType: string): boolean {
  return layerTypes.has(mediaType);
}

/** The compression of a layer media type, or `undefined` when it is not a known layer type. */
export function layerCompression(mediaType: string): LayerCompression | undefined {
  return layerTypes.get(mediaType);
}

const toDocker: ReadonlyMap<string, string> = new Map<string, string>([
  [MediaType.ociManifest, MediaType.dockerManifest],
  [MediaType.ociIndex, MediaType.dockerManifestList],
  [MediaType.ociConfig, MediaType.dockerConfig],
  [MediaType.ociLayer, MediaType.dockerLayer],
  [MediaType.ociLayerGzip, MediaType.dockerLayerGzip],
  [MediaType.ociLayerZstd, MediaType.dockerLayerZstd],
  [MediaType.ociLayerNondistributable, MediaType.dockerLayerForeign],
  [MediaType.ociLayerNondistributableGzip, MediaType.dockerLayerForeignGzip],
]);
const toOci: ReadonlyMap<string, string> = new Map([...toDocker].map(([oci, docker]) => [docker, oci]));

/**
 * The same kind of media type in the other family: `ociManifest` ↔
 * `dockerManifest`, layers keep their compression. Types with no counterpart
 * (artifacts, `ociEmpty`, unknown types) come back unchanged.
 */
export function convertMediaType(mediaType: string, flavor: MediaTypeFlavor): string {
  return (flavor === 'docker' ? toDocker : toOci).get(mediaType) ?? mediaType;
}
