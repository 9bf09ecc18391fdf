/** Layer compression of an exported image. */
export type LayerCompressionName = 'gzip' | 'zstd' | 'uncompressed';

/**
 * How an image is put together from a build's result; the part of BuildKit's
 * image exporter options that changes the image's bytes.
 */
export interface ImageExportOptions {
  /** Compression of the layers the build made (default gzip); base image layers keep their blobs. */
  readonly compression?: LayerCompressionName;
  /** Media types of the manifest, config and layer descriptors (default `oci`). */
  readonly mediaTypes?: 'oci' | 'docker';
  /**
   * With a source date epoch: clamp file mtimes inside the layers the build
   * made to it (BuildKit's `rewrite-timestamp`). Without an epoch it does nothing.
   */
  readonly rewriteTimestamp?: boolean;
  /** Annotations of the image manifest (`annotation.<key>=…` / `annotation-manifest.<key>=…`). */
  readonly annotations?: Readonly<Record<string, string>>;
}
