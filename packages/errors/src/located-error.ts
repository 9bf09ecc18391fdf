import { ErrorCode } from './codes.js';
import { KilnError, type KilnErrorOptions } from './kiln-error.js';
import { formatLocation, type SourceRange } from './source-range.js';

/** Options of a {@link LocatedError}. */
export interface LocatedErrorOptions extends KilnErrorOptions {
  /** The file the ranges refer to, as the user named it (for example `Dockerfile`). */
  readonly file?: string;
  /** The stable code; InvalidArgument unless said otherwise. */
  readonly code?: ErrorCode;
}

/**
 * An error that points into a source text, usually a Dockerfile. `ranges[0]` is
 * the primary location; further ranges are related places (for example the
 * other side of a duplicate stage name). `message` is the bare description;
 * {@link LocatedError.toString} adds `file:line:col: `.
 */
export class LocatedError extends KilnError {
  readonly ranges: readonly SourceRange[];
  readonly file: string | undefined;
  /** The description without location, as given to the constructor. */
  readonly detail: string;

  constructor(message: string, ranges: readonly SourceRange[], options: LocatedErrorOptions = {}) {
    super(options.code ?? ErrorCode.InvalidArgument, message, options);
    this.ranges = ranges;
    this.file = options.file;
    this.detail = message;
  }

  /** The primary range, the first of {@link LocatedError.ranges}, if any. */
  get range(): SourceRange | undefined {
    return this.ranges[0];
  }

  /** `file:line:col: message`, or the bare message when there is no range. */
  override toString(): string {
    const range = this.range;
    return range === undefined ? this.detail : `${formatLocation(this.file, range)}: ${this.detail}`;
  }
}

/**
 * A Dockerfile that does not parse or whose instructions are malformed (unknown
 * instruction, unknown flag, wrong argument count). Code InvalidArgument.
 */
export class DockerfileSyntaxError extends LocatedError {}
