/**
 * @packageDocumentation
 * kiln's composition root and public library API, for the CLI, IDE plugins and
 * other programs: `parse` and (later) `lint` and `build`. Nothing here needs
 * root or a daemon to parse.
 */
export { parse, parseDockerfile, dumpDockerfile } from '@kiln/dockerfile-syntax';
export type {
  Dockerfile,
  Instruction,
  Argument,
  Flag,
  Heredoc,
  Directive,
  Comment,
  KeyValuePair,
  ParseWarning,
  Diagnostic,
  ParseResult,
} from '@kiln/dockerfile-syntax';
export { outline, type DockerfileOutline, type StageOutline, type OutlineOptions } from './outline.js';
export {
  ImageService,
  openImageService,
  type ImageServiceOptions,
  type ImageTransferOptions,
  type ImagePullOptions,
  type PulledImage,
  type PushedImage,
  type PruneResult,
} from './images/image-service.js';
export type { ImageSummary } from './images/image-summary.js';
export type { LoadedImages, SaveInput, SaveOutput } from './images/image-archives.js';
export { kilnConfigPath } from './images/kiln-config.js';
export { storedImageName } from './images/image-names.js';
/** One step of a blob moving to or from a registry (bytes in `current`/`total`), for progress displays. */
export type { TransferProgress as ImageTransferProgress } from '@kiln/registry';
