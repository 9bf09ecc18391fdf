/**
 * The closed set of error codes. Callers branch on `error.code`, never on
 * messages. The names follow gRPC's canonical codes, as containerd's errdefs do.
 */
export const ErrorCode = {
  /** The named thing (blob, image, snapshot, stage, file) does not exist. */
  NotFound: 'NotFound',
  /** The thing to create exists already. */
  AlreadyExists: 'AlreadyExists',
  /** The input is malformed: a Dockerfile syntax error, a bad reference, a bad flag value. */
  InvalidArgument: 'InvalidArgument',
  /** The input is well formed but the system is not in a state to accept it (a snapshot with children, a lease held). */
  FailedPrecondition: 'FailedPrecondition',
  /** A peer or resource is unreachable for now; retrying may help. */
  Unavailable: 'Unavailable',
  /** Credentials are missing or wrong. */
  Unauthenticated: 'Unauthenticated',
  /** Credentials are valid but do not allow the action. */
  PermissionDenied: 'PermissionDenied',
  /** A quota or size limit was passed (a manifest over 4 MiB, a line over 64 KiB). */
  ResourceExhausted: 'ResourceExhausted',
  /** Bytes do not match their digest or size: content is corrupt or truncated. */
  DataLoss: 'DataLoss',
  /** The operation was cancelled by its caller (an AbortSignal). */
  Canceled: 'Canceled',
  /** The operation ran out of time. */
  DeadlineExceeded: 'DeadlineExceeded',
  /** The operation is not supported by this implementation or platform. */
  Unsupported: 'Unsupported',
  /** A bug or an unexpected failure of something underneath. */
  Internal: 'Internal',
} as const;

/** One of {@link ErrorCode}'s values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
