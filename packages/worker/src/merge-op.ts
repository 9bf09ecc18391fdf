import { digestOf, type DefinitionVertex } from '@kiln/llb';
import type { SolverOp } from '@kiln/solver';
import { asRef } from './host-mount.js';
import type { WorkerOptions } from './worker-context.js';

/**
 * The solver op of an llb merge vertex (COPY --link): the inputs' trees
 * stacked in order, later over earlier, as a chain of their own layers, so
 * the copied layer is reused whatever it lands on. Keyed by its inputs' keys.
 */
export function mergeSolverOp(v: DefinitionVertex, options: WorkerOptions, contentDigest: SolverOp['contentDigest']): SolverOp {
  const n = v.vertex.inputs.length;
  return {
    cacheMap: async () => ({
      digest: digestOf({ kind: 'merge', inputs: n, platform: v.vertex.platform ?? null }),
      deps: Array.from({ length: n }, () => ({ contentBased: false, selectors: [] })),
      parts: {},
    }),
    contentDigest,
    exec: async (inputs) => [await options.cache.merge(inputs.map(asRef))],
  };
}
