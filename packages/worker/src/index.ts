/**
 * @packageDocumentation
 * The worker: one solver op per llb op type — exec (RUN through the
 * executor, with bind, cache, tmpfs, secret and ssh mounts), file (COPY, ADD,
 * WORKDIR through a copier with BuildKit's semantics), source (images, the
 * local context, http, through resolvers of `@kiln/source`) and merge
 * (COPY --link) — over the cache manager's refs.
 */
export { createWorker } from './worker.js';
export type { WorkerOptions, SourceResolver, ResolvedSource } from './worker-context.js';
export type { SecretSource } from './exec/secrets.js';
export { ExecError, isExecError, OutputTail } from './exec/exec-error.js';
export { execCacheMap } from './exec/exec-cache-map.js';
export { fileCacheMap } from './file/file-cache-map.js';
export { sourceScheme } from './source-op.js';
export { copyAction, type CopyActionRequest } from './copy/copy-action.js';
export { parseChmod, type ModeChange } from './copy/chmod.js';
export { resolveOwner, type Ids } from './copy/owner.js';
export { resolveInRoot } from './copy/root-path.js';
export { imageSourceResolver, localSourceResolver, httpSourceResolver } from './sources.js';
