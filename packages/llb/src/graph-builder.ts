import { InvalidArgumentError } from '@kiln/errors';
import type { Digest, Platform } from '@kiln/oci';
import { digestVertex } from './digest-vertex.js';
import type { Definition, DefinitionVertex, Op, SourceLocation, Vertex, VertexInput, VertexMetadata } from './vertex.js';

/** Options of {@link GraphBuilder.add}. */
export interface AddVertexOptions {
  readonly platform?: Platform;
  /** Progress name and cache behaviour; see {@link VertexMetadata}. */
  readonly metadata?: Partial<VertexMetadata>;
  /** Where in the Dockerfile the vertex comes from. */
  readonly locations?: readonly SourceLocation[];
}

/** What {@link GraphBuilder.add} returns: the vertex's digest and a way to name its outputs. */
export interface VertexHandle {
  readonly digest: Digest;
  /** Output `index` of this vertex, as an input for another (default 0). */
  output(index?: number): VertexInput;
}

/**
 * Collects vertices into a {@link Definition}. Adding a vertex that is already
 * there (same op, inputs and platform) returns the same digest: its metadata
 * is merged (ignoreCache if either asks; the first name wins) and its source
 * locations are added up, so identical steps in different stages run once.
 *
 * Example:
 * ```ts
 * const g = new GraphBuilder();
 * const base = g.add({ type: 'source', identifier: 'docker-image://docker.io/library/busybox:latest', attrs: {} }, []);
 * const run = g.add({ type: 'exec', meta, mounts: [{ dest: '/', input: 0, output: 0, readonly: false, type: 'bind' }], secretEnv: [] }, [base.output()]);
 * const def = g.definition(run.output());
 * ```
 */
export class GraphBuilder {
  readonly #vertices = new Map<Digest, { vertex: Vertex; metadata: VertexMetadata; locations: SourceLocation[] }>();

  /** Adds an op with its inputs; every input must name a vertex added before. Throws InvalidArgumentError otherwise. */
  add(op: Op, inputs: readonly VertexInput[], options: AddVertexOptions = {}): VertexHandle {
    for (const input of inputs) {
      if (!this.#vertices.has(input.digest)) throw new InvalidArgumentError(`vertex input ${input.digest} was not added to this graph`);
    }
    const vertex: Vertex = { op, inputs: [...inputs], ...(options.platform === undefined ? {} : { platform: options.platform }) };
    const digest = digestVertex(vertex);
    const existing = this.#vertices.get(digest);
    const metadata: VertexMetadata = {
      name: options.metadata?.name ?? op.type,
      ignoreCache: options.metadata?.ignoreCache ?? false,
      ...(options.metadata?.stableId === undefined ? {} : { stableId: options.metadata.stableId }),
      ...(options.metadata?.progressGroup === undefined ? {} : { progressGroup: options.metadata.progressGroup }),
      ...(options.metadata?.partLabels === undefined ? {} : { partLabels: options.metadata.partLabels }),
    };
    if (existing === undefined) {
      this.#vertices.set(digest, { vertex, metadata, locations: [...(options.locations ?? [])] });
    } else {
      existing.metadata = { ...existing.metadata, ignoreCache: existing.metadata.ignoreCache || metadata.ignoreCache };
      existing.locations.push(...(options.locations ?? []));
    }
    return { digest, output: (index = 0) => ({ digest, output: index }) };
  }

  /** Whether `digest` was added. */
  has(digest: Digest): boolean {
    return this.#vertices.has(digest);
  }

  /**
   * The definition of everything `root` needs, in dependency order (inputs
   * first, in the order they were added). Vertices `root` does not need are
   * left out. `root` undefined gives the empty definition of an empty tree.
   */
  definition(root: VertexInput | undefined): Definition {
    if (root === undefined) return { vertices: [], root: undefined };
    if (!this.#vertices.has(root.digest)) throw new InvalidArgumentError(`root ${root.digest} was not added to this graph`);
    const needed = new Set<Digest>();
    const stack: Digest[] = [root.digest];
    while (stack.length > 0) {
      const d = stack.pop()!;
      if (needed.has(d)) continue;
      needed.add(d);
      for (const input of this.#vertices.get(d)!.vertex.inputs) stack.push(input.digest);
    }
    // Insertion order is already a dependency order: an input must exist before it is used.
    const vertices: DefinitionVertex[] = [];
    for (const [digest, v] of this.#vertices) {
      if (needed.has(digest)) vertices.push({ digest, vertex: v.vertex, metadata: v.metadata, locations: v.locations });
    }
    return { vertices, root };
  }
}
