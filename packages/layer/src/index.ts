/**
 * @packageDocumentation
 * Filesystem changes to and from layer tars: diff, apply, whiteouts,
 * compression, and kiln's own streaming ustar/PAX codec (binary xattr values
 * and ids of any size survive it).
 */
export type { TarHeader, TarEntryType } from './tar/tar-header.js';
export { BLOCK_SIZE, paddingFor } from './tar/tar-header.js';
export { encodeTarHeader } from './tar/encode-header.js';
export { createTarEncoder, encodeTar, type TarEncoder, type TarInput } from './tar/tar-encoder.js';
export { parseTar, type TarEntry, type ParseTarOptions } from './tar/parse-tar.js';
