/**
 * @packageDocumentation
 * Filesystem changes to and from layer tars: diff (overlay upper dirs read
 * directly, copies compared), apply (whiteouts, safe paths), compression, and
 * kiln's own streaming ustar/PAX codec (binary xattr values and ids of any
 * size survive it).
 */
export { diff, type LayerDiffOptions, type LayerDiffResult } from './diff/diff-layer.js';
export { apply, type LayerApplyOptions, type LayerApplyResult } from './apply/apply-layer.js';
export { diffDirectories, type DiffDirectoriesOptions } from './diff/diff-directories.js';
export type { LayerChange, DiffMode } from './diff/layer-change.js';
export { layerTar, writeLayerTar, type LayerTarOptions } from './diff/layer-tar.js';
export { applyEntries, type ApplyEntriesOptions, type WhiteoutStyle } from './apply/apply-entries.js';
export { parseEntryName, type EntryTarget } from './apply/entry-path.js';
export { createCompressor, decompress, detectCompression, type LayerCompressionKind, type DetectedCompression } from './compression.js';
export type { LayerContentStore, LayerBlobWriter } from './content-port.js';
export { isLayerXattr } from './xattrs.js';
export type { TarHeader, TarEntryType } from './tar/tar-header.js';
export { BLOCK_SIZE, paddingFor } from './tar/tar-header.js';
export { encodeTarHeader, compareStrings } from './tar/encode-header.js';
export { createTarEncoder, encodeTar, type TarEncoder, type TarInput } from './tar/tar-encoder.js';
export { parseTar, type TarEntry, type ParseTarOptions } from './tar/parse-tar.js';
/** A directory showing some mounts for the duration of a callback (bind sources in place, else a temporary mount). */
export { withMountedDir } from './mounts.js';
