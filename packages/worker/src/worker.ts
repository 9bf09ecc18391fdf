import type { Definition, DefinitionVertex } from '@kiln/llb';
import type { ContentDigest, OpResolver, Result, SolverOp } from '@kiln/solver';
import { execSolverOp } from './exec/exec-op.js';
import { fileSolverOp } from './file/file-op.js';
import { asRef } from './host-mount.js';
import { mergeSolverOp } from './merge-op.js';
import { sourceSolverOp } from './source-op.js';
import type { ResolvedSource, WorkerOptions } from './worker-context.js';

/**
 * The worker: an {@link OpResolver} that turns each llb vertex into the
 * solver op of its type — source (images, the local context, http),
 * exec (RUN, through the executor), file (COPY, ADD, WORKDIR, through the
 * copier) and merge (COPY --link) — over one cache manager. Every result is
 * an `ImmutableRef` of that cache, which the solver passes around as its
 * opaque `Result` and releases.
 *
 * Content digests (for cache keys of COPY sources and read-only RUN bind
 * mounts) come from the source that made a ref when it can give them (the
 * local context), else from `cache.checksum` with symlinks at the selected
 * paths followed, as the copier reads them.
 *
 * Example (the builder wires it):
 * ```ts
 * const worker = createWorker({ cache, executor, sources: { 'docker-image': images, local: context, https: http, http }, secrets, platform });
 * const result = await solve(definition, { resolver: worker, ... });
 * ```
 */
export function createWorker(options: WorkerOptions): OpResolver {
  const sourceChecksums = new Map<string, ResolvedSource>();
  const contentDigest = async (input: Result, selectors: readonly string[]): Promise<ContentDigest> => {
    const ref = asRef(input);
    const own = await sourceChecksums.get(ref.id)?.checksum?.(ref, selectors);
    if (own !== undefined) return own;
    return options.cache.checksum(ref, selectors, { followSymlinks: true });
  };
  const onRef = (id: string, source: ResolvedSource): void => {
    if (source.checksum !== undefined) sourceChecksums.set(id, source);
  };
  return {
    resolve(vertex: DefinitionVertex, _definition: Definition): SolverOp {
      const op = vertex.vertex.op;
      switch (op.type) {
        case 'exec':
          return execSolverOp(vertex, op, options, contentDigest);
        case 'file':
          return fileSolverOp(vertex, op, options, contentDigest);
        case 'merge':
          return mergeSolverOp(vertex, options, contentDigest);
        case 'source':
          return sourceSolverOp(vertex, op, options, contentDigest, onRef);
      }
    },
  };
}
