// Stages: grouping after FROM, global ARGs before the first FROM, and their expansion in FROM.
import test from 'ava';
import type { Dockerfile, Instruction } from '@kiln/dockerfile-syntax';
import { DockerfileSyntaxError } from '@kiln/errors';
import { parseStages } from '@kiln/dockerfile-frontend';
import { at, node } from './support.ts';

/** A Dockerfile of hand-built nodes, one per line. */
function dockerfile(...nodes: Instruction[]): Dockerfile {
  const instructions = nodes.map((n, i) => ({
    ...n,
    range: at(n.range.start.column, n.range.end.column, i + 1),
    keywordRange: at(n.keywordRange.start.column, n.keywordRange.end.column, i + 1),
  }));
  return { escapeChar: '\\', directives: [], instructions, comments: [], warnings: [] };
}

test('global ARGs expand in FROM, with defaults built from earlier ARGs and build args winning', (t) => {
  const file = dockerfile(
    node('ARG', ['REPO=library', 'TAG=3.${MINOR}']),
    node('ARG', ['MINOR=20']),
    node('FROM', ['${REPO}/alpine:$TAG', 'AS', 'Base']),
    node('RUN', ['true']),
    node('FROM', ['base']),
  );
  const { stages, metaArgs, globalArgs } = parseStages(file, { buildArgs: new Map([['MINOR', '21']]) });
  t.is(metaArgs.length, 2);
  // TAG's default is evaluated when it is declared, before MINOR exists.
  t.is(globalArgs.get('TAG'), '3.');
  t.is(globalArgs.get('MINOR'), '21');
  t.is(stages[0]?.baseName.value, 'library/alpine:3.');
  t.deepEqual(stages[0]?.baseName.matched, ['REPO', 'TAG']);
  t.is(stages[0]?.name, 'base');
  t.is(stages[0]?.commands.length, 1);
  t.is(stages[1]?.name, undefined);
  t.is(stages[1]?.index, 1);
  t.is(stages[1]?.baseName.value, 'base');
});

test('a build arg replaces a global ARG default without evaluating it', (t) => {
  const file = dockerfile(node('ARG', ['IMG=${MISSING:?must be set}']), node('FROM', ['$IMG']));
  t.is(parseStages(file, { buildArgs: new Map([['IMG', 'busybox']]) }).stages[0]?.baseName.value, 'busybox');
  t.throws(() => parseStages(file), { instanceOf: DockerfileSyntaxError });
});

test('builtin args are in scope in FROM and --platform; unset names are reported', (t) => {
  const file = dockerfile(node('FROM', ['alpine$SUFFIX'], { flags: ['--platform=$BUILDPLATFORM'] }));
  const [stage] = parseStages(file, { builtinArgs: new Map([['BUILDPLATFORM', 'linux/amd64']]) }).stages;
  t.is(stage?.platform?.value, 'linux/amd64');
  t.deepEqual(stage?.platform?.platform, { os: 'linux', architecture: 'amd64' });
  t.is(stage?.baseName.value, 'alpine');
  t.deepEqual(stage?.baseName.unmatched, ['SUFFIX']);
});

test('a base that expands to nothing, or an empty platform, is an error at the FROM line', (t) => {
  const blank = t.throws(() => parseStages(dockerfile(node('ARG', ['X']), node('FROM', ['$X'])), { file: 'Dockerfile' }), {
    instanceOf: DockerfileSyntaxError,
  });
  t.is(blank?.message, 'base name ($X) should not be blank');
  t.is(blank?.range?.start.line, 2);
  t.is(blank?.file, 'Dockerfile');
  const platform = t.throws(() => parseStages(dockerfile(node('FROM', ['a'], { flags: ['--platform=$P'] }))));
  t.is(platform?.message, 'empty platform value from expression $P');
  const bad = t.throws(() => parseStages(dockerfile(node('FROM', ['a'], { flags: ['--platform=linux/arm/v7/x'] }))));
  t.regex(bad?.message ?? '', /^failed to parse platform linux\/arm\/v7\/x: invalid platform/);
});

test('only ARG may come before the first FROM', (t) => {
  const error = t.throws(() => parseStages(dockerfile(node('ARG', ['A']), node('RUN', ['x']))), { instanceOf: DockerfileSyntaxError });
  t.is(error?.message, 'no build stage in current context');
  t.is(error?.range?.start.line, 2);
});

test('a repeated stage name is no error (BuildKit warns through DuplicateStageName); both stages are kept', (t) => {
  const parsed = parseStages(dockerfile(node('FROM', ['a', 'AS', 'x']), node('FROM', ['b', 'as', 'X'])));
  t.deepEqual(parsed.stages.map((s) => [s.name, s.baseName.value]), [['x', 'a'], ['x', 'b']]);
});

test('an instruction error inside a stage carries its line and the file', (t) => {
  const error = t.throws(() => parseStages(dockerfile(node('FROM', ['a']), node('USER', ['a', 'b'])), { file: 'x/Dockerfile' }), {
    instanceOf: DockerfileSyntaxError,
  });
  t.is(error?.toString(), 'x/Dockerfile:2:1: USER requires exactly one argument');
});
