import { ErrorCode, KilnError, type KilnErrorOptions } from '@kiln/errors';

/**
 * A RUN step whose process ended with an exit code it does not accept.
 * Code FailedPrecondition; carries the command (argv), the exit code and the
 * last lines of its output (stdout and stderr interleaved as they came), so
 * the CLI can show them under the Dockerfile excerpt. Its message reads like
 * BuildKit's: `process "/bin/sh -c make" did not complete successfully: exit code: 2`.
 */
export class ExecError extends KilnError {
  /** The argv that ran. */
  readonly args: readonly string[];
  readonly exitCode: number;
  /** The last lines of output, oldest first, without their line ends (at most {@link OutputTail.maxLines}). */
  readonly lastLines: readonly string[];

  constructor(args: readonly string[], exitCode: number, lastLines: readonly string[], options?: KilnErrorOptions) {
    super(ErrorCode.FailedPrecondition, `process ${JSON.stringify(args.join(' '))} did not complete successfully: exit code: ${exitCode}`, options);
    this.name = 'ExecError';
    this.args = args;
    this.exitCode = exitCode;
    this.lastLines = lastLines;
  }
}

/** Whether `error` is an {@link ExecError} (by class or by shape, across module copies). */
export function isExecError(error: unknown): error is ExecError {
  return error instanceof ExecError || (error instanceof KilnError && error.name === 'ExecError' && Array.isArray((error as ExecError).lastLines));
}

/** Keeps the last lines of a process's output, bounded in lines and bytes. */
export class OutputTail {
  static readonly maxLines = 20;
  static readonly maxLineLength = 4096;
  readonly #lines: string[] = [];
  #partial = '';

  /** Adds a chunk of output (any split; UTF-8). */
  push(chunk: Uint8Array): void {
    const text = this.#partial + Buffer.from(chunk).toString('utf8');
    const parts = text.split('\n');
    this.#partial = parts.pop()!.slice(-OutputTail.maxLineLength);
    for (const line of parts) this.#add(line);
  }

  /** The kept lines, oldest first, including an unterminated last line. */
  lines(): string[] {
    return this.#partial === '' ? [...this.#lines] : [...this.#lines, this.#partial].slice(-OutputTail.maxLines);
  }

  #add(line: string): void {
    this.#lines.push(line.replace(/\r$/, '').slice(0, OutputTail.maxLineLength));
    if (this.#lines.length > OutputTail.maxLines) this.#lines.shift();
  }
}
