import { KilnError, type SourceRange } from '@kiln/errors';

/** The step a build failed in, as people see it. */
export interface FailedStep {
  /** The progress name, e.g. `[build 2/3] RUN make`. */
  readonly name: string;
  readonly digest: string;
  /** Where the step comes from in the Dockerfile. */
  readonly locations: readonly { readonly file: string; readonly ranges: readonly SourceRange[] }[];
}

/**
 * A build that failed in a step: the step, its last output lines, and the
 * cause (for a RUN, `process "…" did not complete successfully: exit code: N`).
 * Keeps the cause's code.
 */
export class BuildError extends KilnError {
  readonly step: FailedStep;
  /** The step's last output lines, oldest first. */
  readonly lastLines: readonly string[];

  constructor(message: string, step: FailedStep, lastLines: readonly string[], cause: unknown) {
    super(cause instanceof KilnError ? cause.code : 'Internal', message, { cause });
    this.step = step;
    this.lastLines = lastLines;
  }
}
