import test from 'ava';
import { DockerfileSyntaxError, ErrorCode, isKilnError, KilnError, NotFoundError, sourceRange } from '@kiln/errors';

test('a class carries its stable code and keeps its cause', (t) => {
  const cause = new Error('ENOENT');
  const error = new NotFoundError('blob sha256:abc not found', { cause });
  t.is(error.code, ErrorCode.NotFound);
  t.is(error.cause, cause);
  t.is(error.name, 'NotFoundError');
  t.true(error instanceof KilnError);
  t.true(isKilnError(error, ErrorCode.NotFound));
  t.false(isKilnError(error, ErrorCode.Internal));
  t.false(isKilnError(cause));
});

test('a located error formats file:line:col from its primary range', (t) => {
  const error = new DockerfileSyntaxError('unknown instruction: FORM', [sourceRange(3, 1, 3, 4)], { file: 'Dockerfile' });
  t.is(error.code, ErrorCode.InvalidArgument);
  t.is(String(error), 'Dockerfile:3:1: unknown instruction: FORM');
  t.deepEqual(error.range, { start: { line: 3, column: 1 }, end: { line: 3, column: 4 } });
});
