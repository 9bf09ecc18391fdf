import type { Digest, Platform } from '@kiln/oci';
import type { SourceRange } from '@kiln/errors';
import type { ExecOp } from './exec-op.js';
import type { FileOp, MergeOp } from './file-op.js';
import type { SourceOp } from './source-op.js';

/** Any operation of the build graph. */
export type Op = SourceOp | ExecOp | FileOp | MergeOp;

/** A reference to one output of a vertex: what another vertex takes as an input. */
export interface VertexInput {
  /** The producing vertex's digest. */
  readonly digest: Digest;
  /** Which of its outputs (0 for single-output ops; an exec's mount output index). */
  readonly output: number;
}

/**
 * A vertex: an operation, its inputs and the platform it is for. These three
 * — and nothing else — make its digest, so two vertices that would do the same
 * work have the same digest and run once.
 */
export interface Vertex {
  readonly op: Op;
  readonly inputs: readonly VertexInput[];
  /** The platform the op produces for (for a docker-image source, the one selected from an index). */
  readonly platform?: Platform;
}

/**
 * What people and the solver know about a vertex that does not change what
 * it produces, and so is kept out of its digest.
 */
export interface VertexMetadata {
  /** The progress name, e.g. `[build 2/4] RUN make`. */
  readonly name: string;
  /** Always run, never reuse a cached result (`--no-cache`, `--no-cache-filter`). */
  readonly ignoreCache: boolean;
  /**
   * A name for "the same step" across builds, such as `Dockerfile:build:3`
   * (file, stage, instruction), so that a cache miss can be explained against
   * the last run of this step even though its digest changed.
   */
  readonly stableId?: string;
  /**
   * Names for people of some of the step's cache-key parts, used when a miss
   * is explained: `{ 'env VERSION': 'build-arg VERSION' }` makes a changed
   * build arg read as such rather than as an environment variable.
   */
  readonly partLabels?: Readonly<Record<string, string>>;
  /** Vertices with the same group id are shown as one step (for instance, the pieces of one COPY). */
  readonly progressGroup?: { readonly id: string; readonly name: string };
}

/** Where a vertex comes from in a source file, for error messages. */
export interface SourceLocation {
  /** The file as the user named it (e.g. `Dockerfile`). */
  readonly file: string;
  /** 1-based, end-inclusive ranges (see `SourceRange`). */
  readonly ranges: readonly SourceRange[];
}

/** A vertex in a definition, with its digest and what is known about it. */
export interface DefinitionVertex {
  readonly digest: Digest;
  readonly vertex: Vertex;
  readonly metadata: VertexMetadata;
  readonly locations: readonly SourceLocation[];
}

/**
 * A whole build graph. `vertices` is in dependency order: every vertex comes
 * after all of its inputs. `root` is the result of the build, or `undefined`
 * for an empty filesystem (`FROM scratch` and nothing else).
 */
export interface Definition {
  readonly vertices: readonly DefinitionVertex[];
  readonly root: VertexInput | undefined;
}
