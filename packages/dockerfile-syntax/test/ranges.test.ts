/**
 * Source ranges: 1-based lines and columns (UTF-16 units), inclusive ends, in
 * the original text, also across continuations, CRLF, a BOM and heredocs; and
 * the IDE path reporting every error with its own range.
 */
import test from 'ava';
import { DockerfileSyntaxError, sourceRange } from '@kiln/errors';
import { parse, parseDockerfile } from '@kiln/dockerfile-syntax';

test('an error on a continuation line points at that line and column', (t) => {
  const text = 'FROM scratch\nENV A=1 \\\n    B=2 \\\n    oops \\\n    C=3\n';
  const err = t.throws(() => parseDockerfile(text, { file: 'Dockerfile' }), { instanceOf: DockerfileSyntaxError });
  t.is(err?.detail, `Syntax error - can't find = in "oops". Must be of the form: name=value`);
  t.deepEqual(err?.range, sourceRange(4, 5, 4, 8));
  t.is(err?.toString(), `Dockerfile:4:5: Syntax error - can't find = in "oops". Must be of the form: name=value`);
});

test('a JSON non-string element is located inside a continued exec form', (t) => {
  const text = 'FROM scratch\nCMD ["a", \\\n  42, "b"]\n';
  const err = t.throws(() => parseDockerfile(text), { instanceOf: DockerfileSyntaxError });
  t.deepEqual(err?.range, sourceRange(3, 3, 3, 4));
});

test('the IDE path reports all three errors, each with its range, and keeps the good instructions', (t) => {
  const text = ['FROM scratch', 'ENV PATH', 'RUN ["a", true]', 'LABEL a=1 b', 'COPY . /'].join('\n');
  const r = parse(text);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  t.deepEqual(
    errors.map((e) => [e.message, e.range]),
    [
      ['ENV must have two arguments', sourceRange(2, 1, 2, 8)],
      ['when using JSON array syntax, arrays must be comprised of strings only', sourceRange(3, 11, 3, 14)],
      [`Syntax error - can't find = in "b". Must be of the form: name=value`, sourceRange(4, 11, 4, 11)],
    ],
  );
  t.deepEqual(r.dockerfile.instructions.map((i) => i.name), ['from', 'copy']);
});

test('keyword, flags, arguments and instruction ranges, with CRLF line ends', (t) => {
  const text = 'FROM alpine AS build\r\nCOPY --from=build --chmod="7 55" \\\r\n  a  b\r\n';
  const d = parseDockerfile(text);
  const copy = d.instructions[1]!;
  t.deepEqual(copy.keywordRange, sourceRange(2, 1, 2, 4));
  t.deepEqual(copy.flags.map((f) => [f.text, f.name, f.value, f.range]), [
    ['--from=build', 'from', 'build', sourceRange(2, 6, 2, 17)],
    ['--chmod=7 55', 'chmod', '7 55', sourceRange(2, 19, 2, 32)],
  ]);
  t.deepEqual(copy.args.map((a) => [a.value, a.range]), [
    ['a', sourceRange(3, 3, 3, 3)],
    ['b', sourceRange(3, 6, 3, 6)],
  ]);
  t.deepEqual(copy.range, sourceRange(2, 1, 3, 6));
  t.is(copy.original, 'COPY --from=build --chmod="7 55"   a  b');
  t.deepEqual(d.instructions[0]!.args.map((a) => a.range), [sourceRange(1, 6, 1, 11), sourceRange(1, 13, 1, 14), sourceRange(1, 16, 1, 20)]);
});

test('a BOM is not counted in columns, as editors do not show it', (t) => {
  const d = parseDockerfile('\uFEFFFROM x\n');
  t.deepEqual(d.instructions[0]!.keywordRange, sourceRange(1, 1, 1, 4));
});

test('indented instruction, ENV pairs and separators', (t) => {
  const d = parseDockerfile('FROM x\n  ENV a=1 bb="2 3"\nENV key some value\n');
  const env = d.instructions[1]!;
  t.deepEqual(env.keywordRange, sourceRange(2, 3, 2, 5));
  t.deepEqual(env.pairs.map((p) => [p.key.value, p.key.range, p.value.value, p.value.range, p.separator]), [
    ['a', sourceRange(2, 7, 2, 7), '1', sourceRange(2, 9, 2, 9), '='],
    ['bb', sourceRange(2, 11, 2, 12), '"2 3"', sourceRange(2, 14, 2, 18), '='],
  ]);
  t.deepEqual(env.args[2]!.range, sourceRange(2, 8, 2, 8));
  const legacy = d.instructions[2]!;
  t.deepEqual(legacy.pairs.map((p) => [p.key.value, p.value.value, p.value.range]), [['key', 'some value', sourceRange(3, 9, 3, 18)]]);
});

test('heredoc marker, body and terminator ranges; instruction range ends at the terminator', (t) => {
  const text = 'FROM x\nCOPY <<A <<-"B" /dst\nline1\nA\n\tline2\n\tB\nRUN echo\n';
  const d = parseDockerfile(text);
  const copy = d.instructions[1]!;
  t.deepEqual(copy.heredocs.map((h) => [h.name, h.expand, h.chomp, h.content, h.markerRange, h.bodyRange, h.terminatorRange]), [
    ['A', true, false, 'line1\n', sourceRange(2, 6, 2, 8), sourceRange(3, 1, 3, 6), sourceRange(4, 1, 4, 1)],
    ['B', false, true, '\tline2\n', sourceRange(2, 10, 2, 15), sourceRange(5, 1, 5, 7), sourceRange(6, 2, 6, 2)],
  ]);
  t.deepEqual(copy.range, sourceRange(2, 1, 6, 2));
  t.deepEqual(d.instructions[2]!.keywordRange, sourceRange(7, 1, 7, 3));
});

test('an unterminated heredoc is an error at its marker', (t) => {
  const err = t.throws(() => parseDockerfile('FROM x\nRUN <<EOF\necho hi\n'), { instanceOf: DockerfileSyntaxError });
  t.is(err?.detail, 'unterminated heredoc');
  t.deepEqual(err?.range, sourceRange(2, 5, 2, 9));
});

test('heredocs in ONBUILD RUN, with a file descriptor, and no heredoc in other instructions', (t) => {
  const d = parseDockerfile('FROM x\nONBUILD RUN 3<<EOF cat\nhi\nEOF\nUSER <<X\nX\n');
  t.deepEqual(d.instructions[1]!.heredocs.map((h) => [h.name, h.fileDescriptor, h.content]), [['EOF', 3, 'hi\n']]);
  t.deepEqual(d.instructions[1]!.child?.heredocs.map((h) => h.name), ['EOF']);
  t.deepEqual(d.instructions.map((i) => i.name), ['from', 'onbuild', 'user', 'x']);
});

test('directives: ranges, escape applies, repeats and bad escapes are errors, placement ends the block', (t) => {
  const d = parseDockerfile('# syntax = docker/dockerfile:1\n#  ESCAPE=`\nFROM x\nRUN a `\n  b\n# escape=\\\n');
  t.deepEqual(d.directives.map((x) => [x.name, x.value, x.range, x.valueRange]), [
    ['syntax', 'docker/dockerfile:1', sourceRange(1, 1, 1, 30), sourceRange(1, 12, 1, 30)],
    ['escape', '`', sourceRange(2, 1, 2, 11), sourceRange(2, 11, 2, 11)],
  ]);
  t.is(d.escapeChar, '`');
  t.is(d.instructions[1]!.args[0]!.value, 'a   b');
  t.deepEqual(d.comments.map((c) => c.text), ['escape=\\']);
  const dup = parse('# check=skip=all\n# check=error=true\nFROM x\n').diagnostics;
  t.deepEqual(dup.map((x) => [x.message, x.range.start.line]), [['only one check parser directive can be used', 2]]);
  const bad = t.throws(() => parseDockerfile('# escape=x\nFROM x\n'), { instanceOf: DockerfileSyntaxError });
  t.is(bad?.detail, "invalid escape token 'x' does not match ` or \\");
  t.deepEqual(parseDockerfile('# hello\n# escape=`\nFROM x\n').directives, []);
});

test('comments: ranges, text, and the comment block above an instruction', (t) => {
  const d = parseDockerfile('# a stage\n\n#   builds it  \nFROM x AS b\n#\nRUN a \\\n  # inside\n  b\n');
  t.deepEqual(d.comments.map((c) => [c.text, c.range]), [
    ['a stage', sourceRange(1, 1, 1, 9)],
    ['  builds it', sourceRange(3, 1, 3, 13)],
    ['', sourceRange(5, 1, 5, 1)],
    ['inside', sourceRange(7, 3, 7, 10)],
  ]);
  t.deepEqual(d.instructions[0]!.comments.map((c) => c.text), ['a stage', '  builds it']);
  t.deepEqual(d.instructions[1]!.comments, []);
});

test('empty continuation warning sits on the instruction\'s last line, as BuildKit reports it', (t) => {
  const r = parse('FROM scratch\nCOPY a \\\n\n.\n');
  t.deepEqual(r.dockerfile.warnings.map((w) => [w.code, w.message, w.range.start.line]), [['NoEmptyContinuation', 'Empty continuation line found in: COPY a .', 4]]);
  t.deepEqual(r.diagnostics.map((x) => x.severity), ['warning']);
});
