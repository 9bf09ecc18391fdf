import { constants } from 'node:os';
import { ErrorCode, KilnError } from '@kiln/errors';

const errnoNames = new Map<number, string>(Object.entries(constants.errno).map(([name, value]) => [value, name]));

/** Which {@link ErrorCode} each errno stands for; anything not listed is Internal. */
const codeOfErrnoName: Readonly<Record<string, ErrorCode>> = {
  ENOENT: ErrorCode.NotFound,
  ENODATA: ErrorCode.NotFound,
  ESRCH: ErrorCode.NotFound,
  ENXIO: ErrorCode.NotFound,
  EEXIST: ErrorCode.AlreadyExists,
  EPERM: ErrorCode.PermissionDenied,
  EACCES: ErrorCode.PermissionDenied,
  EROFS: ErrorCode.PermissionDenied,
  EINVAL: ErrorCode.InvalidArgument,
  ENAMETOOLONG: ErrorCode.InvalidArgument,
  ENOTDIR: ErrorCode.InvalidArgument,
  EISDIR: ErrorCode.InvalidArgument,
  ELOOP: ErrorCode.InvalidArgument,
  EBADF: ErrorCode.InvalidArgument,
  EFAULT: ErrorCode.InvalidArgument,
  EBUSY: ErrorCode.FailedPrecondition,
  ENOTEMPTY: ErrorCode.FailedPrecondition,
  EXDEV: ErrorCode.FailedPrecondition,
  ENOTBLK: ErrorCode.FailedPrecondition,
  ENOSPC: ErrorCode.ResourceExhausted,
  EDQUOT: ErrorCode.ResourceExhausted,
  ENOMEM: ErrorCode.ResourceExhausted,
  EMFILE: ErrorCode.ResourceExhausted,
  ENFILE: ErrorCode.ResourceExhausted,
  EMLINK: ErrorCode.ResourceExhausted,
  E2BIG: ErrorCode.ResourceExhausted,
  ERANGE: ErrorCode.ResourceExhausted,
  EAGAIN: ErrorCode.Unavailable,
  EINTR: ErrorCode.Unavailable,
  ENOSYS: ErrorCode.Unsupported,
  EOPNOTSUPP: ErrorCode.Unsupported,
  ENOTSUP: ErrorCode.Unsupported,
  ENODEV: ErrorCode.Unsupported,
};

/** The symbolic name of an errno number (`ENOENT`), or `errno <n>` when unknown. */
export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

/** The {@link ErrorCode} kiln uses for an errno number. */
export function errorCodeOfErrno(errno: number): ErrorCode {
  return codeOfErrnoName[errnoName(errno)] ?? ErrorCode.Internal;
}

/**
 * A failed system call. `code` is the kiln error class code the errno maps to
 * (ENOENT → NotFound, EEXIST → AlreadyExists, EPERM/EACCES/EROFS →
 * PermissionDenied, EINVAL → InvalidArgument, EBUSY/ENOTEMPTY → FailedPrecondition,
 * ENOSPC → ResourceExhausted, ENOSYS/EOPNOTSUPP/ENODEV → Unsupported, else Internal);
 * `errno`, `errnoName` and `syscall` keep the raw facts for messages and for
 * callers that must tell, say, ENODATA from ENOENT.
 */
export class ErrnoError extends KilnError {
  /** The raw errno number (Linux x86-64 numbering). */
  readonly errno: number;
  /** Its symbolic name, for example `EBUSY`. */
  readonly errnoName: string;
  /** The libc function that failed, for example `mount`. */
  readonly syscall: string;
  /** The path the call was about, when there is one. */
  readonly path: string | undefined;

  constructor(syscall: string, errno: number, detail: string, path?: string) {
    const name = errnoName(errno);
    super(errorCodeOfErrno(errno), `${syscall}${path === undefined ? '' : ` ${JSON.stringify(path)}`}: ${name}${detail === '' ? '' : ` (${detail})`}`);
    this.errno = errno;
    this.errnoName = name;
    this.syscall = syscall;
    this.path = path;
  }
}

/** True when `error` is an {@link ErrnoError} carrying errno `name` (for example `EINVAL`). */
export function isErrno(error: unknown, name: string): error is ErrnoError {
  return error instanceof ErrnoError && error.errnoName === name;
}
