/**
 * @packageDocumentation
 * Image archives: OCI image layouts (a directory or a tar; several names in
 * one index.json) and docker archives (`docker save` / `docker load`),
 * written from and read into the content store. Every blob is streamed and
 * verified against its digest; nothing is held whole in memory but JSON.
 */
export { blobPath, digestOfBlobPath } from './blob-path.js';
export { refNameAnnotation, containerdImageNameAnnotation, ociLayoutFile } from './annotations.js';
export { type ArchiveImage, type ArchiveEntry, layoutIndexJson, readLayoutIndex, normalizeImageName } from './layout-index.js';
export { type BlobRole, type GraphBlob, type GraphVisitor, walkImageGraph } from './image-graph.js';
export { imageBlobsInContent } from './content-source.js';
export { ociLayoutTar, writeOciLayoutDir, writeFileAtomic } from './write-oci-layout.js';
export { type DockerArchiveOptions, dockerArchiveTar } from './write-docker-archive.js';
export { type DockerManifestItem, parseDockerManifest, serializeDockerManifest } from './docker-manifest.js';
export { hostPlatform, selectManifest } from './select-manifest.js';
export { type ImportOptions, importOciLayoutDir, listOciLayoutDir } from './read-oci-layout.js';
export { importDockerArchive } from './read-docker-archive.js';
export { type ScannedArchive, type ScannedBlob, type ScanArchiveOptions, scanArchive } from './scan-archive.js';
export {
  type ArchiveFormat, type ImportResult, type ListedImage, importArchive, importArchiveStream, listArchive, formatOfScan,
} from './import-archive.js';
export {
  type SaveFormat, type SaveOptions, type LoadOptions, type LoadResult, loadArchive, saveArchive, archiveStream, imagesFromStore,
} from './load-save.js';
