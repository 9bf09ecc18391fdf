/**
 * The parser reads all lines of a file in one chevrotain call; where that
 * could change how a line reads (a line's first word after a line ending in
 * flags, ONBUILD without an instruction), it must read every line as if it
 * were alone. Each case compares every instruction with the parse of its line
 * alone, ranges included (moved to the line's number).
 */
import test from 'ava';
import { parse, type Instruction } from '@kiln/dockerfile-syntax';

/** The instruction as parsed, with every `line` in its ranges replaced by 1. */
function onLineOne(instruction: Instruction): unknown {
  return JSON.parse(JSON.stringify(instruction, (key, value: unknown) => (key === 'line' ? 1 : value)));
}

const cases: [string, string[]][] = [
  ['a line of flags after an instruction ending in flags', ['RUN --a', '--b c', 'COPY --from=x', '--chmod=1 a b']],
  ['ONBUILD alone, then an instruction', ['ONBUILD', 'RUN y', 'onbuild --f', 'ENV a=b']],
  ['ONBUILD with flags, then a line of flags', ['ONBUILD --f', '--g RUN y', 'ONBUILD ONBUILD', 'HEALTHCHECK --x']],
  ['HEALTHCHECK flags then a flag line', ['HEALTHCHECK --interval=1s', '--retries=3 CMD true', 'EXPOSE 80 --x']],
  ['ordinary instructions of every family', ['FROM a AS b', 'RUN ["a", "b"]', 'ARG x=1', 'LABEL a="b c"', 'HEALTHCHECK CMD ["x"]', 'FOO bar']],
];

for (const [name, lines] of cases) {
  test(`lines read together as alone: ${name}`, (t) => {
    const together = parse(['FROM scratch', ...lines].join('\n') + '\n');
    t.deepEqual(together.diagnostics, []);
    const instructions = together.dockerfile.instructions.slice(1);
    t.is(instructions.length, lines.length);
    lines.forEach((line, i) => {
      const alone = parse(line).dockerfile.instructions;
      t.is(alone.length, 1, line);
      t.deepEqual(onLineOne(instructions[i]!), onLineOne(alone[0]!), line);
      t.is(instructions[i]!.range.start.line, i + 2, line);
    });
  });
}
