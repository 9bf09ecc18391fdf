// lint(text) on @kiln/builder/syntax: pure (no root, no daemon), the .dockerignore given as text.
import test from 'ava';
import { lint, listLintRules } from '@kiln/builder/syntax';

test('lint finds BuildKit\'s checks with rule, URL and 1-based ranges, without a root', (t) => {
  const r = lint('FROM scratch as base\nCOPY secret.txt /\n', { dockerignore: '# comment\nsecret.txt\n', file: 'app.Dockerfile' });
  t.is(r.error, undefined);
  t.deepEqual(
    r.findings.map((f) => [f.rule, f.url, f.level, f.ranges[0]?.start, f.ranges[0]?.end.line]),
    [
      ['FromAsCasing', 'https://docs.docker.com/go/dockerfile/rule/from-as-casing/', 'warning', { line: 1, column: 1 }, 1],
      ['CopyIgnoredFile', 'https://docs.docker.com/go/dockerfile/rule/copy-ignored-file/', 'warning', { line: 2, column: 1 }, 2],
    ],
  );
  t.is(listLintRules().length, 22);
});

test('lint with BUILDKIT_DOCKERFILE_CHECK=error=true marks findings as errors and reports the violation', (t) => {
  const r = lint('FROM scratch as base\n', { buildArgs: new Map([['BUILDKIT_DOCKERFILE_CHECK', 'error=true']]) });
  t.deepEqual(r.findings.map((f) => f.level), ['error']);
  t.is(r.error?.message, 'lint violation found for rules: FromAsCasing');
});
