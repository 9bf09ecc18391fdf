// Patterns whose RE2 meaning differs from a naive JavaScript reading: kiln
// must give moby's answer, including its quirks.
import test from 'ava';
import { PatternMatcher } from '@kiln/patterns';

const matches = (pattern: string, path: string): boolean => new PatternMatcher([pattern]).matchesOrParentMatches(path);

test('a "]" outside a class is a literal, as in RE2', (t) => {
  t.true(matches('a]', 'a]'));
});

test('"*" inside a class becomes moby\'s [^/]* and so RE2 reads "[*]" as a class of "[", "^", "/" then "]"', (t) => {
  t.true(matches('[*]', ']'));
  t.true(matches('[*]', '[]'));
  t.false(matches('[*]', '*'));
});

test('an escaped letter is an RE2 escape in moby ("\\d" is a digit)', (t) => {
  t.true(matches('\\d', '5'));
  t.false(matches('\\d', 'd'));
});

test('POSIX classes work inside brackets, as RE2 reads them', (t) => {
  t.true(matches('[[:digit:]]x', '7x'));
  t.false(matches('[[:digit:]]x', 'ax'));
});

test('"**file" is a suffix match in moby, so it also matches "dir/myfile"', (t) => {
  t.true(matches('**file', 'dir/myfile'));
});

test('"." in a class-free pattern is literal, and a regexp "." never crosses a newline', (t) => {
  t.false(matches('a.b', 'axb'));
  t.true(matches('**/*', 'x\ny'));
  t.true(matches('a*/**', 'a/xy'));
  t.false(matches('a*/**', 'a/x\ny'));
});
