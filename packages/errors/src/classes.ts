import { ErrorCode } from './codes.js';
import { KilnError, type KilnErrorOptions } from './kiln-error.js';

/** The named thing does not exist. */
export class NotFoundError extends KilnError {
  constructor(message: string, options?: KilnErrorOptions) {
    super(ErrorCode.NotFound, message, options);
  }
}

/** The thing to create exists already. */
export class AlreadyExistsError extends KilnError {
  constructor(message: string, options?: KilnErrorOptions) {
    super(ErrorCode.AlreadyExists, message, options);
  }
}

/** The input is malformed. The message quotes the input and says what was expected. */
export class InvalidArgumentError extends KilnError {
  constructor(message: string, options?: KilnErrorOptions) {
    super(ErrorCode.InvalidArgument, message, options);
  }
}

/** The system is not in a state to do this now (for example: a snapshot that still has children). */
export class FailedPreconditionError extends KilnError {
  constructor(message: string, options?: KilnErrorOptions) {
    super(ErrorCode.FailedPrecondition, message, options);
  }
}

/** A peer or resource is unreachable for now; retrying may help. */
export class UnavailableError extends KilnError {
  constructor(message: string, options?: KilnErrorOptions) {
    super(ErrorCode.Unavailable, message, options);
  }
}

/** Credentials are missing or wrong. */
export class UnauthenticatedError extends KilnError {
  constructor(message: string, options?: KilnErrorOptions) {
    super(ErrorCode.Unauthenticated, message, options);
  }
}

/** Credentials are valid but do not allow the action. */
export class PermissionDeniedError extends KilnError {
  constructor(message: string, options?: KilnErrorOptions) {
    super(ErrorCode.PermissionDenied, message, options);
  }
}

/** A size or count limit was passed. */
export class ResourceExhaustedError extends KilnError {
  constructor(message: string, options?: KilnErrorOptions) {
    super(ErrorCode.ResourceExhausted, message, options);
  }
}

/** Bytes do not match their expected digest or size. */
export class DataLossError extends KilnError {
  constructor(message: string, options?: KilnErrorOptions) {
    super(ErrorCode.DataLoss, message, options);
  }
}

/** The caller cancelled the operation. */
export class CanceledError extends KilnError {
  constructor(message = 'operation canceled', options?: KilnErrorOptions) {
    super(ErrorCode.Canceled, message, options);
  }
}

/** The operation ran out of time. */
export class DeadlineExceededError extends KilnError {
  constructor(message: string, options?: KilnErrorOptions) {
    super(ErrorCode.DeadlineExceeded, message, options);
  }
}

/** Not supported by this implementation or on this platform. */
export class UnsupportedError extends KilnError {
  constructor(message: string, options?: KilnErrorOptions) {
    super(ErrorCode.Unsupported, message, options);
  }
}

/** A bug, or an unexpected failure underneath; `cause` says what. */
export class InternalError extends KilnError {
  constructor(message: string, options?: KilnErrorOptions) {
    super(ErrorCode.Internal, message, options);
  }
}
