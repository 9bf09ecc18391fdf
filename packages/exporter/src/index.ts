/**
 * @packageDocumentation
 * Exporters: a build's result turned into an image in kiln's store (config
 * and manifest written over the result's layers, named by `-t`), and written
 * out as an OCI layout (tar or directory), a docker archive, a registry push, a local
 * directory or a tar of the tree; plus buildx's `-o/--output` syntax.
 *
 * Reproducibility: with a source date epoch, the config's and history's
 * `created` are clamped to it and, unless `rewrite-timestamp=false`, so are
 * file mtimes in the layers the build made (kiln's default; BuildKit's needs
 * `rewrite-timestamp=true`); those layers carry
 * `buildkit/rewritten-timestamp`. Base image layers keep their blobs (unless
 * `force-compression` must recompress them, which keeps their diff_ids).
 * The clamp leaves older mtimes as they are, as BuildKit does.
 *
 * Compression: the image a build keeps in kiln's store has its new layers
 * uncompressed by default (as docker's image store), so a build pays no
 * compression; pushed images and archives default to gzip, and
 * `distributableImage` compresses a stored image's layers when `kiln push`
 * sends it. The image ID does not depend on compression.
 */
export { type LayerCompressionName, type ImageExportOptions, type ImageAnnotation, type ImageAnnotationKind } from './image-export-options.js';
export { selectAnnotations, type SelectedAnnotations } from './image-annotations.js';
export { recompressLayer, needsRecompression } from './recompress-layer.js';
export { distributableImage } from './distributable-image.js';
export { type ExportableRef, type ExportLayer, type TreeMounts } from './exportable-ref.js';
export { exporterHistoryComment, normalizeHistory, formatGoTime, type NormalizeHistoryOptions, type NormalizedHistory } from './image-history.js';
export { finalizeImageConfig, type FinalizeImageConfigOptions, type FinalizedImageConfig } from './finalize-image-config.js';
export {
  exportImage, rewrittenTimestampAnnotation, type ImageExportInput, type ImageExportDeps, type ExportImageOptions, type ExportedImage,
} from './export-image.js';
export { exporterResponse } from './exporter-response.js';
export { treeTar, type TreeTarOptions } from './tree-tar.js';
export { type ByteSinkDeps } from './byte-sink.js';
export { writeLocalOutput, writeTarOutput, type TreeOutputOptions, type LocalOutputOptions } from './write-tree.js';
export { writeOciOutput, writeDockerOutput, createdAnnotation, type ArchiveOutputOptions, type ArchiveOutputDeps } from './write-archive.js';
export {
  parseOutputSpec, isImageOutput, outputTypes,
  type OutputType, type OutputSpec, type ImageOutputFields, type ImageOutput, type OciOutput, type DockerOutput, type LocalOutput, type TarOutput,
} from './output-spec.js';
export { exportOutputs, checkOutputs, storedImageOptions, type ImagePusher, type PushedName, type ExportOutputsDeps, type ExportOutputsOptions, type ExportOutputsResult } from './export-outputs.js';
