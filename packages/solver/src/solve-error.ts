import { ErrorCode, KilnError, isKilnError } from '@kiln/errors';
import type { DefinitionVertex, SourceLocation } from '@kiln/llb';

/**
 * A step of the build failed. `cause` is the op's own error (for a RUN, the
 * worker's error with the command and exit code); `code` is the cause's code
 * when it is a KilnError, else Internal. `locations` point into the
 * Dockerfile, and `outputTail` holds the last bytes the step wrote to
 * stdout/stderr, so the CLI can show the failing lines and their output.
 */
export class SolveError extends KilnError {
  /** The failed vertex's digest. */
  readonly vertex: string;
  /** Its progress name, e.g. `[build 2/4] RUN make` (`name` is taken by Error). */
  readonly vertexName: string;
  /** Where the step comes from (1-based, end-inclusive ranges). */
  readonly locations: readonly SourceLocation[];
  /** The last bytes (at most {@link OUTPUT_TAIL_BYTES}) of the step's output, stdout and stderr interleaved as they came. */
  readonly outputTail: Uint8Array;

  constructor(vertex: DefinitionVertex, cause: unknown, outputTail: Uint8Array = new Uint8Array(0)) {
    super(isKilnError(cause) ? cause.code : ErrorCode.Internal, `${vertex.metadata.name}: ${messageOf(cause)}`, { cause });
    this.vertex = vertex.digest;
    this.vertexName = vertex.metadata.name;
    this.locations = vertex.locations;
    this.outputTail = outputTail;
  }
}

/** How many bytes of a step's output a {@link SolveError} keeps. */
export const OUTPUT_TAIL_BYTES = 8192;

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * The last {@link OUTPUT_TAIL_BYTES} of a stream of chunks, kept without
 * holding the whole output.
 */
export class OutputTail {
  #chunks: Uint8Array[] = [];
  #size = 0;

  push(data: Uint8Array): void {
    // Copy: the producer may reuse its buffer.
    const chunk = data.length > OUTPUT_TAIL_BYTES ? data.slice(data.length - OUTPUT_TAIL_BYTES) : data.slice();
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size - this.#chunks[0]!.length >= OUTPUT_TAIL_BYTES) this.#size -= this.#chunks.shift()!.length;
  }

  bytes(): Uint8Array {
    const all = new Uint8Array(this.#size);
    let offset = 0;
    for (const chunk of this.#chunks) {
      all.set(chunk, offset);
      offset += chunk.length;
    }
    return all.length > OUTPUT_TAIL_BYTES ? all.slice(all.length - OUTPUT_TAIL_BYTES) : all;
  }
}
