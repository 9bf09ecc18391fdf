/**
 * BuildKit's parser golden files: every `parser/testfiles/<case>` must dump
 * exactly as its `result`, every `testfiles-negative/<case>` must fail with the
 * cause BuildKit gives, and `testfile-line` must have BuildKit's line numbers.
 */
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { DockerfileSyntaxError } from '@kiln/errors';
import { dumpDockerfile, parse, parseDockerfile } from '@kiln/dockerfile-syntax';
import { corpusPath, readCorpusJson } from '../../../test/support/shared.ts';

const testfiles = corpusPath('parser', 'testfiles');
if (testfiles === undefined) {
  test.skip('parser testfiles corpus absent', () => {});
} else {
  for (const name of fs.readdirSync(testfiles).sort()) {
    test(`testfiles/${name}: dump equals BuildKit's result`, (t) => {
      const dir = path.join(testfiles, name);
      const text = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
      const expected = fs.readFileSync(path.join(dir, 'result'), 'utf8').replace(/\r\n/g, '\n');
      t.is(dumpDockerfile(parseDockerfile(text, { file: 'Dockerfile' })), expected);
    });
  }
}

interface Misc {
  negativeCasesErrors: Record<string, string>;
  lineNumbers: { root: { startLine: number; endLine: number }; children: [number, number][] };
}
const misc = readCorpusJson<Misc>('parser', 'vectors', 'parser-misc.json');
const negatives = corpusPath('parser', 'testfiles-negative');
if (negatives === undefined || misc === undefined) {
  test.skip('parser testfiles-negative corpus absent', () => {});
} else {
  for (const name of fs.readdirSync(negatives).sort()) {
    test(`testfiles-negative/${name}: rejected with BuildKit's cause`, (t) => {
      const text = fs.readFileSync(path.join(negatives, name, 'Dockerfile'), 'utf8');
      const cause = misc.negativeCasesErrors[name];
      t.truthy(cause, `no expected cause recorded for ${name}`);
      const err = t.throws(() => parseDockerfile(text, { file: 'Dockerfile' }), { instanceOf: DockerfileSyntaxError });
      t.is(err?.detail, cause ?? '');
      t.is(err?.file, 'Dockerfile');
      t.true((err?.range?.start.line ?? 0) >= 1);
      // The IDE path reports the same problem without throwing.
      t.true(parse(text).diagnostics.some((d) => d.severity === 'error' && d.message === cause));
    });
  }
}

const lineFile = corpusPath('parser', 'testfile-line', 'Dockerfile');
if (lineFile === undefined || misc === undefined) {
  test.skip('parser testfile-line corpus absent', () => {});
} else {
  test('testfile-line: start and end lines of every instruction', (t) => {
    const d = parseDockerfile(fs.readFileSync(lineFile, 'utf8'));
    const lines = d.instructions.map((i) => [i.range.start.line, i.range.end.line]);
    t.deepEqual(lines, misc.lineNumbers.children);
    t.is(d.instructions[0]?.range.start.line, misc.lineNumbers.root.startLine);
    t.is(d.instructions.at(-1)?.range.end.line, misc.lineNumbers.root.endLine);
  });
}
