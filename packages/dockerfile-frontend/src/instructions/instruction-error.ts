import { InvalidArgumentError, type KilnErrorOptions, type SourceRange } from '@kiln/errors';

/**
 * A malformed instruction detail, found by a helper that does not know which
 * instruction it serves (the flag grammar, `--mount` and `--device` parsers,
 * durations, ports). `part` is the range of the offending flag or argument
 * when the helper was given one. {@link parseInstruction} turns it into a
 * `DockerfileSyntaxError` located at the instruction, keeping this as `cause`.
 * The message is BuildKit's text for the same problem.
 */
export class InstructionError extends InvalidArgumentError {
  /** The flag or argument at fault (1-based, end inclusive), when known. */
  readonly part: SourceRange | undefined;

  constructor(message: string, part?: SourceRange, options?: KilnErrorOptions) {
    super(message, options);
    this.part = part;
  }
}

/** A word of the Dockerfile with where it was written. */
export interface Located<T = string> {
  readonly value: T;
  /** Where the word stands in the source (1-based, end inclusive). */
  readonly range: SourceRange;
}

/** `X requires at least one argument`, BuildKit's `errAtLeastOneArgument`. */
export function errAtLeastOneArgument(command: string): InstructionError {
  return new InstructionError(`${command} requires at least one argument`);
}

/** `X requires exactly one argument`, BuildKit's `errExactlyOneArgument`. */
export function errExactlyOneArgument(command: string): InstructionError {
  return new InstructionError(`${command} requires exactly one argument`);
}

/** BuildKit's `errNoDestinationArgument` for COPY and ADD with a single argument. */
export function errNoDestinationArgument(command: string): InstructionError {
  return new InstructionError(
    `${command} requires at least two arguments, but only one was provided. Destination could not be determined`,
  );
}

/** `X names can not be blank`, for ENV, LABEL and ARG. */
export function errBlankCommandNames(command: string): InstructionError {
  return new InstructionError(`${command} names can not be blank`);
}

/** `Bad input to X, too many arguments`, for an ENV/LABEL argument list that is not key/value/separator triples. */
export function errTooManyArguments(command: string): InstructionError {
  return new InstructionError(`Bad input to ${command}, too many arguments`);
}

/** `X cannot accept a heredoc as <what>`. */
export function errBadHeredoc(command: string, what: string, part?: SourceRange): InstructionError {
  return new InstructionError(`${command} cannot accept a heredoc as ${what}`, part);
}
