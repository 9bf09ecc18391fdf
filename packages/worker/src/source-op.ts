import { InvalidArgumentError } from '@kiln/errors';
import { digestOf, type DefinitionVertex, type SourceOp } from '@kiln/llb';
import type { OpContext, SolverOp } from '@kiln/solver';
import type { ResolvedSource, WorkerOptions } from './worker-context.js';

/** The scheme of a source identifier: `docker-image` of `docker-image://…`. */
export function sourceScheme(identifier: string): string {
  const i = identifier.indexOf('://');
  return i === -1 ? '' : identifier.slice(0, i);
}

/**
 * The solver op of an llb source vertex. cacheMap resolves the source once
 * (an image tag to its manifest digest, the context to its content digest, a
 * URL to its checksum or ETag) and keys on the identifier, attributes,
 * platform and that pin; exec fetches it (pull progress goes to
 * `ctx.progress`) through the same resolution. `onRef` learns of each ref
 * made, with the source's own checksum function when it has one.
 *
 * @throws InvalidArgumentError (from cacheMap/exec) for a scheme without a resolver.
 */
export function sourceSolverOp(
  v: DefinitionVertex,
  op: SourceOp,
  options: WorkerOptions,
  contentDigest: SolverOp['contentDigest'],
  onRef: (id: string, source: ResolvedSource) => void,
): SolverOp {
  let resolved: Promise<ResolvedSource> | undefined;
  const resolve = (ctx: OpContext): Promise<ResolvedSource> => {
    if (resolved === undefined) {
      const scheme = sourceScheme(op.identifier);
      const resolver = options.sources[scheme];
      if (resolver === undefined) {
        return Promise.reject(new InvalidArgumentError(`source ${JSON.stringify(op.identifier)}: no resolver for "${scheme}" sources; expected one of ${Object.keys(options.sources).join(', ')}`));
      }
      resolved = resolver.resolve(op, v.vertex.platform ?? options.platform, ctx);
      // A failed resolution may succeed on a later try (a registry hiccup): do not remember it.
      resolved.catch(() => (resolved = undefined));
    }
    return resolved;
  };
  return {
    async cacheMap(ctx) {
      const r = await resolve(ctx);
      return {
        digest: digestOf({ kind: 'source', identifier: op.identifier, attrs: op.attrs, platform: v.vertex.platform ?? null, pin: r.pin }),
        deps: [],
        parts: r.parts ?? { source: r.pin },
      };
    },
    contentDigest,
    async exec(_inputs, ctx) {
      const r = await resolve(ctx);
      const ref = await r.snapshot(ctx);
      onRef(ref.id, r);
      return [ref];
    },
  };
}
