import test from 'ava';
import { ErrorCode, isKilnError } from '@kiln/errors';
import { ErrnoError, errnoName, errorCodeOfErrno, isErrno } from '@kiln/sys';

const cases: Array<[number, string, ErrorCode]> = [
  [2, 'ENOENT', ErrorCode.NotFound],
  [61, 'ENODATA', ErrorCode.NotFound],
  [17, 'EEXIST', ErrorCode.AlreadyExists],
  [1, 'EPERM', ErrorCode.PermissionDenied],
  [13, 'EACCES', ErrorCode.PermissionDenied],
  [22, 'EINVAL', ErrorCode.InvalidArgument],
  [16, 'EBUSY', ErrorCode.FailedPrecondition],
  [39, 'ENOTEMPTY', ErrorCode.FailedPrecondition],
  [28, 'ENOSPC', ErrorCode.ResourceExhausted],
  [38, 'ENOSYS', ErrorCode.Unsupported],
  [95, 'EOPNOTSUPP', ErrorCode.Unsupported],
  [5, 'EIO', ErrorCode.Internal],
];

for (const [errno, name, code] of cases) {
  test(`errno ${errno} is ${name} and maps to ${code}`, (t) => {
    t.is(errnoName(errno), name);
    t.is(errorCodeOfErrno(errno), code);
    const error = new ErrnoError('mount', errno, 'overlay', '/x');
    t.true(isKilnError(error, code));
    t.is(error.errno, errno);
    t.is(error.syscall, 'mount');
    t.is(error.path, '/x');
    t.true(isErrno(error, name));
    t.is(error.message, `mount "/x": ${name} (overlay)`);
  });
}

test('an unknown errno keeps its number and is Internal', (t) => {
  t.is(errnoName(4242), 'errno 4242');
  t.is(errorCodeOfErrno(4242), ErrorCode.Internal);
});
