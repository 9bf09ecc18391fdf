/** Layer compression of an exported image. */
export type LayerCompressionName = 'gzip' | 'zstd' | 'uncompressed';

/**
 * Where an annotation goes, as BuildKit's `annotation-<kind>[platform].key`
 * names it: `manifest` (the default of plain `annotation.key`) on the image
 * manifest, `manifest-descriptor` on the descriptor that points at it (the
 * OCI layout's `index.json` entry, `containerimage.descriptor`), `index` and
 * `index-descriptor` on an image index and its descriptor.
 */
export type ImageAnnotationKind = 'manifest' | 'manifest-descriptor' | 'index' | 'index-descriptor';

/** One `annotation…=VALUE` exporter option. */
export interface ImageAnnotation {
  readonly kind: ImageAnnotationKind;
  /** `os/arch[/variant]` from `annotation[linux/amd64].key`: applies to that platform's image only; absent for every platform. */
  readonly platform?: string;
  readonly key: string;
  readonly value: string;
}

/**
 * How an image is put together from a build's result; the part of BuildKit's
 * image exporter options that changes the image's bytes.
 */
export interface ImageExportOptions {
  /**
   * Compression of the layers the build made (default gzip here; the image a
   * build keeps in kiln's store defaults to `uncompressed`, see
   * `storedImageOptions`). Base image layers keep their blobs unless
   * {@link forceCompression}, except uncompressed ones (from an image a build
   * stored uncompressed), which are compressed into this compression so an
   * image never leaves the store with plain tars nobody asked for.
   */
  readonly compression?: LayerCompressionName;
  /** gzip 0–9, zstd 1–22 (`compression-level`); default the compressor's (gzip 6, zstd 3). */
  readonly compressionLevel?: number;
  /**
   * `force-compression=true`: base image layers whose compression differs
   * from {@link compression} are recompressed too (same diff_id, new blob),
   * as BuildKit does; layers already in that compression keep their blobs.
   */
  readonly forceCompression?: boolean;
  /** Media types of the manifest, config and layer descriptors (default `oci`). */
  readonly mediaTypes?: 'oci' | 'docker';
  /**
   * Clamp file mtimes in the layers the build made to the source date epoch
   * (BuildKit's `rewrite-timestamp`); such layers carry the annotation
   * `buildkit/rewritten-timestamp=<epoch>`. Base image layers are never
   * rewritten. Without an epoch it does nothing.
   *
   * kiln's default differs from BuildKit's on purpose: when an epoch is set
   * and this is left unset, layers are clamped, so SOURCE_DATE_EPOCH alone
   * gives a reproducible digest; `false` keeps the layers' own mtimes, as
   * BuildKit does by default. Files older than the epoch keep their times
   * (a clamp, not a reset, as BuildKit), so a COPY of context files older
   * than the epoch depends on their mtimes.
   */
  readonly rewriteTimestamp?: boolean;
  /** `annotation.*` / `annotation-<kind>[platform].*` options, in the order given. */
  readonly annotations?: readonly ImageAnnotation[];
}
