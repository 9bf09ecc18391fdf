// The instruction layer on ASTs from the real parser: the shapes it gives HEALTHCHECK, ONBUILD, ENV and heredocs.
import test from 'ava';
import { DockerfileSyntaxError } from '@kiln/errors';
import { parseInstruction, parseStages, type TypedInstruction } from '@kiln/dockerfile-frontend';
import { firstNode, parseDockerfile } from './support.ts';

const first = (text: string): TypedInstruction => parseInstruction(firstNode(text));

{
  const parse = parseDockerfile;

  test('HEALTHCHECK flags and a shell-form command', (t) => {
    const hc = first('HEALTHCHECK --interval=5s --retries=2 CMD curl -f http://localhost/ || exit 1');
    t.deepEqual(hc.kind === 'healthcheck' ? hc.health.test : undefined, ['CMD-SHELL', 'curl -f http://localhost/ || exit 1']);
    t.is(hc.kind === 'healthcheck' ? hc.health.interval : undefined, 5e9);
    const exec = first('HEALTHCHECK CMD ["true"]');
    t.deepEqual(exec.kind === 'healthcheck' ? exec.health.test : undefined, ['CMD', 'true']);
  });

  test('ONBUILD stores the trigger with heredoc bodies appended', (t) => {
    const onbuild = first('ONBUILD RUN <<EOF\necho hi\nEOF\n');
    t.is(onbuild.kind === 'onbuild' ? onbuild.expression : undefined, 'RUN <<EOF\necho hi\nEOF');
    t.is(onbuild.kind === 'onbuild' ? onbuild.trigger?.name : undefined, 'run');
  });

  test('ENV and LABEL pairs, legacy form marked', (t) => {
    const env = first('ENV A=1 B="two words"');
    t.deepEqual(env.kind === 'env' ? env.env.map((p) => [p.key.value, p.value.value, p.noDelimiter]) : undefined, [
      ['A', '1', false],
      ['B', '"two words"', false],
    ]);
    const legacy = first('ENV A b c');
    t.deepEqual(legacy.kind === 'env' ? legacy.env.map((p) => [p.key.value, p.value.value, p.noDelimiter]) : undefined, [['A', 'b c', true]]);
  });

  test('COPY flags, JSON form and the flag ranges', (t) => {
    const copy = first('COPY --from=build --chmod=755 --link ["a b", "/dst/"]');
    if (copy.kind !== 'copy') return t.fail();
    t.is(copy.from, 'build');
    t.is(copy.chmod, '755');
    t.true(copy.link);
    t.deepEqual(copy.sources.sourcePaths.map((p) => p.value), ['a b']);
    t.is(copy.sources.dest.value, '/dst/');
    t.deepEqual(copy.flags.ranges('from')[0], { start: { line: 1, column: 6 }, end: { line: 1, column: 17 } });
  });

  test('an error on a continued line points at the flag at fault, then the instruction lines, with the file', (t) => {
    const text = 'FROM alpine\nRUN --mount=type=cache,from=$X \\\n  make\n';
    const error = t.throws(() => parseStages(parse(text), { file: 'Dockerfile' }), { instanceOf: DockerfileSyntaxError });
    t.is(error?.message, "'from' doesn't support variable expansion, define alias stage instead");
    t.is(error?.range?.start.line, 2);
    t.is(error?.range?.start.column, 5);
    t.is(error?.ranges[1]?.start.line, 2);
    t.is(error?.ranges[1]?.end.line, 3);
  });

  test('stages from text: names, escape directive and global ARGs', (t) => {
    const text = '# escape=`\nARG V=3.20\nFROM alpine:${V} AS Base\nRUN echo `\n  hi\nFROM base\n';
    const { stages } = parseStages(parse(text));
    t.is(stages[0]?.baseName.value, 'alpine:3.20');
    t.is(stages[0]?.name, 'base');
    t.is(stages[0]?.range.start.line, 3);
    t.is(stages[1]?.baseName.value, 'base');
  });
}
