/**
 * Thrown by a command that has already printed what went wrong and only needs
 * the process to end with `exitCode`.
 */
export class CliExit extends Error {
  readonly exitCode: number;

  constructor(exitCode: number) {
    super(`exit ${exitCode}`);
    this.exitCode = exitCode;
  }
}
