/**
 * @packageDocumentation
 * kiln's composition root and public library API, for the CLI, IDE plugins and
 * other programs: `parse`, `lint`, image management and `build`. Parsing and
 * linting need no root and no daemon; `@kiln/builder/syntax` offers them without
 * loading the rest.
 */
export * from './syntax.js';
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
export { build, hostPlatform, type BuildEvent, type BuildResult, type BuildRun } from './build/build.js';
export type { BuildWarningEvent } from './lint/lint.js';
export { checkBuild, type CheckBuildOptions } from './lint/check-build.js';
export type { BuildOptions, BuildSecret } from './build/build-options.js';
export { BuildError, type FailedStep } from './build/build-error.js';
export { runImage, type RunImageOptions } from './run/run-image.js';
