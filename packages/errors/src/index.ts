/**
 * @packageDocumentation
 * Error classes with a stable, closed `code`, and source ranges for errors that
 * point into a Dockerfile. Every other kiln package throws these.
 */
export { ErrorCode } from './codes.js';
export { KilnError, isKilnError, type KilnErrorOptions } from './kiln-error.js';
export {
  NotFoundError,
  AlreadyExistsError,
  InvalidArgumentError,
  FailedPreconditionError,
  UnavailableError,
  UnauthenticatedError,
  PermissionDeniedError,
  ResourceExhaustedError,
  DataLossError,
  CanceledError,
  DeadlineExceededError,
  UnsupportedError,
  InternalError,
} from './classes.js';
export { type SourcePosition, type SourceRange, sourceRange, formatLocation } from './source-range.js';
export { LocatedError, DockerfileSyntaxError, type LocatedErrorOptions } from './located-error.js';
