import type { ErrorCode } from './codes.js';

/** Options every kiln error takes: the underlying error, kept as `cause`. */
export interface KilnErrorOptions {
  readonly cause?: unknown;
}

/**
 * The base of every error kiln throws on purpose. `code` is stable and closed
 * ({@link ErrorCode}); the message is for people and may change.
 */
export class KilnError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options: KilnErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/** True when `error` is a {@link KilnError}, and, when `code` is given, carries that code. */
export function isKilnError(error: unknown, code?: ErrorCode): error is KilnError {
  return error instanceof KilnError && (code === undefined || error.code === code);
}
