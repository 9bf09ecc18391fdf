/**
 * @packageDocumentation
 * Sources of build inputs as cache refs: the local build context
 * ({@link syncLocalContext}, incremental, `.dockerignore` applied), docker
 * images (kiln's image store first, then the registry) and http(s) downloads.
 */
export { syncLocalContext, contextIgnorePatterns, type LocalContextOptions, type LocalContextResult } from './local-context.js';
export { resolveImage, imageRef, type ImageSourceDeps, type ResolvedImage, type ResolveImageOptions } from './docker-image.js';
export { downloadHttp, type HttpSourceOptions, type HttpSourceResult } from './http.js';
