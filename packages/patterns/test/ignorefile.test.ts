// moby ignorefile vectors (ignorefile-vectors.json), one test per case, plus the ignore-file choice rule.
import test from 'ava';
import { ignoreFileCandidates, parseIgnoreFile, readIgnorePatterns, PatternMatcher } from '@kiln/patterns';
import { readCorpusJson } from '../../../test/support/shared.ts';

interface Vectors {
  cases: { input: string | null; expected: string[]; note?: string }[];
}

const vectors = readCorpusJson<Vectors>('patterns', 'ignorefile-vectors.json');

if (vectors === undefined) {
  test.skip('ignorefile corpus absent', (t) => t.pass());
} else {
  for (const c of vectors.cases) {
    const title = c.note ?? JSON.stringify(c.input);
    test(`ReadAll ${title}`, (t) => {
      t.deepEqual(parseIgnoreFile(c.input ?? undefined), c.expected);
    });
  }
}

test('a UTF-8 BOM is dropped from the first line only, and CRLF line ends are accepted', (t) => {
  t.deepEqual(parseIgnoreFile('\uFEFFfoo\r\n\uFEFFbar\r\n'), ['foo', '\uFEFFbar']);
});

test('only a "#" in column 0 starts a comment; an indented one is a pattern', (t) => {
  t.deepEqual(parseIgnoreFile('#c\n  #d\n'), ['#d']);
});

test('patterns are path-cleaned and lose one leading slash, also after "!"', (t) => {
  t.deepEqual(parseIgnoreFile('/a/./b//c/\n!  /x/../y\n/\n'), ['a/b/c', '!y', '/']);
});

test('Go white space (U+0085) is trimmed but U+FEFF after the first line is not', (t) => {
  t.deepEqual(parseIgnoreFile('\u0085a\u0085\n'), ['a']);
});

test('a line of 64 KiB fails like Go\'s scanner ("token too long")', (t) => {
  t.notThrows(() => parseIgnoreFile('a'.repeat(65535) + '\n'));
  const err = t.throws(() => parseIgnoreFile('a'.repeat(65536) + '\n'));
  t.regex(err.message, /token too long/);
});

test('a lone "!" survives parsing and is rejected by the matcher', (t) => {
  const patterns = parseIgnoreFile('!\n');
  t.deepEqual(patterns, ['!']);
  t.throws(() => new PatternMatcher(patterns), { code: 'InvalidArgument' });
});

test('the Dockerfile-specific ignore file comes first, then .dockerignore at the context root', (t) => {
  t.deepEqual(ignoreFileCandidates('Dockerfile'), ['Dockerfile.dockerignore', '.dockerignore']);
  t.deepEqual(ignoreFileCandidates('build/foo.Dockerfile'), ['build/foo.Dockerfile.dockerignore', '.dockerignore']);
});

test('an existing but empty Dockerfile.dockerignore still replaces .dockerignore', async (t) => {
  const files = new Map([['Dockerfile.dockerignore', ''], ['.dockerignore', 'foo\n']]);
  const res = await readIgnorePatterns('Dockerfile', (p) => files.get(p));
  t.deepEqual(res, { patterns: [], source: 'Dockerfile.dockerignore' });
});

test('without a Dockerfile-specific file, .dockerignore applies; without either, nothing does', async (t) => {
  const files = new Map([['.dockerignore', 'foo\n']]);
  t.deepEqual(await readIgnorePatterns('Dockerfile', async (p) => files.get(p)), { patterns: ['foo'], source: '.dockerignore' });
  t.deepEqual(await readIgnorePatterns('Dockerfile', () => undefined), { patterns: [], source: undefined });
});

test('a parse failure names the ignore file', async (t) => {
  const err = await t.throwsAsync(readIgnorePatterns('Dockerfile', (p) => (p === '.dockerignore' ? 'x'.repeat(70000) : undefined)));
  t.regex(err.message, /failed parsing \.dockerignore/);
});
