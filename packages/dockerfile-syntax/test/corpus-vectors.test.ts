/**
 * BuildKit's parser unit-test vectors (`parser/vectors/*.json`): heredocs,
 * directives, JSON arrays, word splitting, ENV/LABEL pairs, warnings and the
 * line length limit. One test per vector case.
 */
import test from 'ava';
import { DockerfileSyntaxError } from '@kiln/errors';
import {
  chompHeredocContent,
  detectDirective,
  detectSyntax,
  dumpInstruction,
  heredocMarkers,
  NOT_STRING_ARRAY,
  parse,
  parseDockerfile,
  parseHeredocWord,
  parseJsonArray,
  splitWords,
} from '@kiln/dockerfile-syntax';
import { readCorpusJson } from '../../../test/support/shared.ts';

interface ExpectedHeredoc { Name: string; FileDescriptor: number; Expand: boolean; Chomp: boolean; Content: string }
interface HeredocVectors {
  extractsHeredoc: { dockerfile: string; children: { childIndex: number; instruction: string; expectedHeredocs: ExpectedHeredoc[] | null }[] };
  jsonFormNeverHeredoc: { dockerfile: string; childrenWithoutHeredocs: number[] };
  chompHeredocContent: { input: string; expected: string }[];
  parseHeredocWord: { valid: string[]; invalid: string[]; notHeredoc: string[] };
  heredocsFromLine: { cases: { line: string; names: string[] }[] };
}

const heredoc = readCorpusJson<HeredocVectors>('parser', 'vectors', 'heredoc.json');
if (heredoc === undefined) {
  test.skip('heredoc vectors absent', () => {});
} else {
  const d = parseDockerfile(heredoc.extractsHeredoc.dockerfile);
  for (const c of heredoc.extractsHeredoc.children) {
    test(`heredoc.json extractsHeredoc child ${c.childIndex}: ${c.instruction}`, (t) => {
      const node = d.instructions[c.childIndex];
      t.truthy(node);
      const got = node!.heredocs.map((h) => ({ Name: h.name, FileDescriptor: h.fileDescriptor ?? 0, Expand: h.expand, Chomp: h.chomp, Content: h.content }));
      t.deepEqual(got, c.expectedHeredocs ?? []);
    });
  }
  test('heredoc.json jsonFormNeverHeredoc', (t) => {
    const j = parseDockerfile(heredoc.jsonFormNeverHeredoc.dockerfile);
    for (const i of heredoc.jsonFormNeverHeredoc.childrenWithoutHeredocs) t.deepEqual(j.instructions[i]?.heredocs, [], `child ${i}`);
  });
  for (const c of heredoc.chompHeredocContent) {
    test(`heredoc.json chompHeredocContent ${JSON.stringify(c.input)}`, (t) => t.is(chompHeredocContent(c.input), c.expected));
  }
  for (const w of heredoc.parseHeredocWord.valid) {
    test(`heredoc.json parseHeredocWord valid ${w}`, (t) => t.like(parseHeredocWord(w), { kind: 'heredoc', name: 'EOF' }));
  }
  for (const w of heredoc.parseHeredocWord.invalid) {
    test(`heredoc.json parseHeredocWord invalid ${w}`, (t) => t.is(parseHeredocWord(w).kind, 'error'));
  }
  for (const w of heredoc.parseHeredocWord.notHeredoc) {
    test(`heredoc.json parseHeredocWord notHeredoc ${JSON.stringify(w)}`, (t) => t.is(parseHeredocWord(w).kind, 'none'));
  }
  for (const c of heredoc.heredocsFromLine.cases) {
    test(`heredoc.json heredocsFromLine ${c.line}`, (t) => {
      const found = heredocMarkers(c.line);
      t.false('error' in found);
      if ('markers' in found) t.deepEqual(found.markers.map((m) => m.name), c.names);
    });
  }
}

interface DirectiveVectors {
  parseAll: { input: string; expected: { name: string; value: string }[] }[];
  detectSyntax: { input: string; found: boolean; ref?: string; cmdline?: string; line?: number }[];
  parseDirective: { key: string; input: string; found: boolean; ref?: string; cmdline?: string; line?: number }[];
}
const directives = readCorpusJson<DirectiveVectors>('parser', 'vectors', 'directives.json');
if (directives === undefined) {
  test.skip('directive vectors absent', () => {});
} else {
  for (const [i, c] of directives.parseAll.entries()) {
    test(`directives.json parseAll #${i}: ${JSON.stringify(c.input)}`, (t) => {
      // The vector input has no instruction; the directives are still reported.
      const r = parse(c.input);
      t.deepEqual(r.dockerfile.directives.map((d) => ({ name: d.name, value: d.value })), c.expected);
    });
  }
  const check = (t: import('ava').ExecutionContext, got: ReturnType<typeof detectSyntax>, c: DirectiveVectors['detectSyntax'][number]): void => {
    t.is(got !== undefined, c.found);
    if (got === undefined) return;
    if (c.ref !== undefined) t.is(got.ref, c.ref);
    if (c.cmdline !== undefined) t.is(got.cmdline, c.cmdline);
    if (c.line !== undefined) t.is(got.line, c.line);
  };
  for (const [i, c] of directives.detectSyntax.entries()) {
    test(`directives.json detectSyntax #${i}: ${JSON.stringify(c.input)}`, (t) => check(t, detectSyntax(c.input), c));
  }
  for (const [i, c] of directives.parseDirective.entries()) {
    test(`directives.json parseDirective ${c.key} #${i}: ${JSON.stringify(c.input)}`, (t) => check(t, detectDirective(c.key, c.input), c));
  }
}

interface JsonVectors { valid: { input: string; expected: string[] }[]; invalidNotStrings: string[] }
const json = readCorpusJson<JsonVectors>('parser', 'vectors', 'json-arrays.json');
if (json === undefined) {
  test.skip('json-arrays vectors absent', () => {});
} else {
  for (const c of json.valid) {
    test(`json-arrays.json valid ${JSON.stringify(c.input)}`, (t) => {
      const r = parseJsonArray(c.input);
      t.is(r.kind, 'strings');
      if (r.kind === 'strings') t.deepEqual(r.elements.map((e) => e.value), c.expected);
      // Through the parser too: a CMD in exec form.
      const d = parseDockerfile(`CMD ${c.input}\n`);
      t.deepEqual(d.instructions[0]?.args.map((a) => a.value), c.expected);
    });
  }
  for (const input of json.invalidNotStrings) {
    test(`json-arrays.json invalidNotStrings ${JSON.stringify(input)}`, (t) => {
      t.is(parseJsonArray(input).kind, 'notStrings');
      const err = t.throws(() => parseDockerfile(`RUN ${input}\n`), { instanceOf: DockerfileSyntaxError });
      t.is(err?.detail, NOT_STRING_ARRAY);
    });
  }
}

interface MiscVectors {
  parseWords: { cases: { input: string; expected: string[] }[] };
  nameVal: { cases: { instruction: string; args: string; expectedNodes?: string[]; expectedError?: string }[] };
  emptyContinuationWarnings: { dockerfile: string; expectedWarningCount: number; warningsContain: string[][] };
  lineTooLong: { dockerfileTemplate: string; labelValueLength: number; expectedError: string };
}
const misc = readCorpusJson<MiscVectors>('parser', 'vectors', 'parser-misc.json');
if (misc === undefined) {
  test.skip('parser-misc vectors absent', () => {});
} else {
  for (const c of misc.parseWords.cases) {
    test(`parser-misc.json parseWords ${JSON.stringify(c.input)}`, (t) => t.deepEqual(splitWords(c.input), c.expected));
  }
  for (const c of misc.nameVal.cases) {
    test(`parser-misc.json nameVal ${c.instruction} ${c.args}`, (t) => {
      const text = `FROM scratch\n${c.instruction} ${c.args}\n`;
      if (c.expectedError !== undefined) {
        const err = t.throws(() => parseDockerfile(text), { instanceOf: DockerfileSyntaxError });
        t.is(err?.detail, c.expectedError);
        t.is(err?.range?.start.line, 2);
        return;
      }
      const node = parseDockerfile(text).instructions[1]!;
      t.deepEqual(node.args.map((a) => a.value), c.expectedNodes);
      t.is(node.pairs.length * 3, node.args.length);
    });
  }
  test('parser-misc.json emptyContinuationWarnings', (t) => {
    const d = parseDockerfile(misc.emptyContinuationWarnings.dockerfile);
    t.is(d.warnings.length, misc.emptyContinuationWarnings.expectedWarningCount);
    for (const [i, parts] of misc.emptyContinuationWarnings.warningsContain.entries()) {
      for (const p of parts) t.true(d.warnings[i]!.message.includes(p), `warning ${i} should contain ${p}: ${d.warnings[i]!.message}`);
      t.is(d.warnings[i]!.detail, 'Empty continuation lines will become errors in a future release');
    }
  });
  test('parser-misc.json lineTooLong', (t) => {
    const text = misc.lineTooLong.dockerfileTemplate.replace(`<${misc.lineTooLong.labelValueLength} x 'a'>`, 'a'.repeat(misc.lineTooLong.labelValueLength));
    t.true(text.length > misc.lineTooLong.labelValueLength);
    const err = t.throws(() => parseDockerfile(text), { instanceOf: DockerfileSyntaxError });
    t.is(err?.detail, misc.lineTooLong.expectedError);
    t.is(err?.range?.start.line, 3);
  });
  test('parser-misc.json lineTooLong boundary: 65535 bytes pass, 65536 fail', (t) => {
    const prefix = 'LABEL a=';
    t.notThrows(() => parseDockerfile(prefix + 'b'.repeat(65535 - prefix.length) + '\n'));
    t.throws(() => parseDockerfile(prefix + 'b'.repeat(65536 - prefix.length) + '\n'), { instanceOf: DockerfileSyntaxError });
    // Bytes, not UTF-16 units: 'é' is two bytes in UTF-8.
    t.throws(() => parseDockerfile(prefix + 'é'.repeat(32800) + '\n'), { instanceOf: DockerfileSyntaxError });
    t.is(dumpInstruction(parseDockerfile('LABEL a=b\n').instructions[0]!), 'label "a" "b" "="');
  });
}
