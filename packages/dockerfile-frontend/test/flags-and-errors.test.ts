// The flag grammar's messages and where instruction errors point.
import test from 'ava';
import { DockerfileSyntaxError } from '@kiln/errors';
import { parseFlags, parseInstruction, suggest } from '@kiln/dockerfile-frontend';
import { at, node } from './support.ts';

test('an unknown flag suggests the closest declared flag of that instruction', (t) => {
  const error = t.throws(() => parseInstruction(node('COPY', ['a', 'b'], { flags: ['--form=build'] })), {
    instanceOf: DockerfileSyntaxError,
  });
  t.is(error?.message, 'unknown flag: --form (did you mean --from?)');
});

test('an unknown flag far from every declared flag gets no suggestion', (t) => {
  const error = t.throws(() => parseInstruction(node('RUN', ['true'], { flags: ['--frobnicate'] })));
  t.is(error?.message, 'unknown flag: --frobnicate');
});

test('instructions without flags reject any flag', (t) => {
  for (const name of ['ENV', 'LABEL', 'USER', 'WORKDIR', 'CMD', 'ENTRYPOINT', 'VOLUME', 'EXPOSE', 'STOPSIGNAL', 'ARG']) {
    const args = name === 'ENV' || name === 'LABEL' ? ['k', 'v', '='] : ['x'];
    const error = t.throws(() => parseInstruction(node(name, args, { flags: ['--link'] })), { instanceOf: DockerfileSyntaxError });
    t.is(error?.message, 'unknown flag: --link', name);
  }
});

test('a repeated single-value flag is an error; a list flag repeats', (t) => {
  const error = t.throws(() => parseInstruction(node('COPY', ['a', 'b'], { flags: ['--from=x', '--from=y'] })));
  t.is(error?.message, 'duplicate flag specified: --from');
  const copy = parseInstruction(node('COPY', ['a', 'b'], { flags: ['--exclude=*.md', '--exclude=*.txt'] }));
  t.deepEqual(copy.kind === 'copy' ? copy.excludes : undefined, ['*.md', '*.txt']);
});

test('boolean flags take no value, true or false in any case; anything else is an error', (t) => {
  const link = (flag: string) => {
    const copy = parseInstruction(node('COPY', ['a', 'b'], { flags: [flag] }));
    return copy.kind === 'copy' ? copy.link : undefined;
  };
  t.true(link('--link'));
  t.true(link('--link=TRUE'));
  t.false(link('--link=False'));
  t.is(t.throws(() => link('--link=yes'))?.message, 'expecting boolean value for flag --link, not: yes');
  t.is(t.throws(() => link('--link='))?.message, 'missing a value on flag: --link');
});

test('a string flag needs = and keeps an empty value', (t) => {
  t.is(t.throws(() => parseFlags([{ text: '--from' }], [{ name: 'from', kind: 'string' }]))?.message, 'missing a value on flag: --from');
  t.is(parseFlags([{ text: '--from=' }], [{ name: 'from', kind: 'string', defaultValue: 'x' }]).string('from'), '');
});

test('a flag error points at the flag word first and the instruction second, with the file', (t) => {
  const ast = node('COPY', ['a', 'b'], { flags: ['--chown=1', '--bogus'] });
  const error = t.throws(() => parseInstruction(ast, { file: 'Dockerfile.dev' }), { instanceOf: DockerfileSyntaxError });
  t.deepEqual(error?.ranges, [ast.flags[1]?.range, ast.range]);
  t.is(error?.file, 'Dockerfile.dev');
  const flag = ast.flags[1]!.range.start;
  t.is(error?.toString(), `Dockerfile.dev:${flag.line}:${flag.column}: unknown flag: --bogus`);
});

test('an unknown instruction suggests the closest keyword in the case it was written', (t) => {
  t.is(t.throws(() => parseInstruction(node('FORM', ['x'])))?.message, 'unknown instruction: FORM (did you mean FROM?)');
  t.is(t.throws(() => parseInstruction(node('entrypont', ['x'])))?.message, 'unknown instruction: entrypont (did you mean entrypoint?)');
  t.is(t.throws(() => parseInstruction(node('XYZZY', ['x'])))?.message, 'unknown instruction: XYZZY');
  t.is(t.throws(() => parseInstruction(node('constructor', ['x'])))?.message, 'unknown instruction: constructor');
});

test('suggest ignores an exact match and needs fewer than three edits', (t) => {
  t.is(suggest('from', ['from', 'chown'], true), undefined);
  t.is(suggest('chmdo', ['chown', 'chmod'], true), 'chmod');
  t.is(suggest('abcdef', ['chown'], true), undefined);
});

test('FROM takes one or three arguments and validates the stage name', (t) => {
  t.is(t.throws(() => parseInstruction(node('FROM', ['a', 'b'])))?.message, 'FROM requires either one or three arguments');
  t.is(
    t.throws(() => parseInstruction(node('FROM', ['a', 'AS', '1st'])))?.message,
    'invalid name for build stage: "1st", name can\'t start with a number or contain symbols',
  );
  const from = parseInstruction(node('FROM', ['alpine', 'as', 'Build-1.x'], { flags: ['--platform=$BUILDPLATFORM'] }));
  t.is(from.kind === 'from' ? from.stageName?.value : undefined, 'build-1.x');
  t.is(from.kind === 'from' ? from.platform?.value : undefined, '$BUILDPLATFORM');
  t.deepEqual(from.kind === 'from' ? from.platform?.range : undefined, at(6, 30));
});

test('SHELL needs JSON form, with a hint for unescaped Windows paths', (t) => {
  t.is(t.throws(() => parseInstruction(node('SHELL', ['/bin/sh -c'])))?.message, 'SHELL requires the arguments to be in JSON form');
  const hinted = t.throws(() => parseInstruction(node('SHELL', ['["c:\\windows\\cmd.exe", "/S"]'], { original: 'SHELL ["c:\\windows\\cmd.exe", "/S"]' })));
  t.regex(hinted?.message ?? '', /includes a file path without an escaped back-slash/);
  const shell = parseInstruction(node('SHELL', ['pwsh', '-c'], { json: true }));
  t.deepEqual(shell.kind === 'shell' ? shell.shell : undefined, ['pwsh', '-c']);
});

test('HEALTHCHECK validates type, retries and durations', (t) => {
  const hc = parseInstruction(
    node('HEALTHCHECK', ['CMD', 'curl', '-f', 'x'], { json: true, flags: ['--interval=1m30s', '--retries=5', '--start-interval=0'] }),
  );
  t.deepEqual(hc.kind === 'healthcheck' ? hc.health : undefined, {
    test: ['CMD', 'curl', '-f', 'x'],
    interval: 90e9,
    timeout: 0,
    startPeriod: 0,
    startInterval: 0,
    retries: 5,
  });
  t.is(t.throws(() => parseInstruction(node('HEALTHCHECK', ['NONE', 'x'])))?.message, 'HEALTHCHECK NONE takes no arguments');
  t.is(t.throws(() => parseInstruction(node('HEALTHCHECK', ['CMDX', 'x'])))?.message, 'Unknown type "CMDX" in HEALTHCHECK (try CMD)');
  t.is(t.throws(() => parseInstruction(node('HEALTHCHECK', ['CMD'])))?.message, 'Missing command after HEALTHCHECK CMD');
  t.is(t.throws(() => parseInstruction(node('HEALTHCHECK', ['CMD', 'x'], { flags: ['--retries=-1'] })))?.message, '--retries cannot be negative (-1)');
  t.is(
    t.throws(() => parseInstruction(node('HEALTHCHECK', ['CMD', 'x'], { flags: ['--timeout=5'] })))?.message,
    'time: missing unit in duration "5"',
  );
  t.is(
    t.throws(() => parseInstruction(node('HEALTHCHECK', ['CMD', 'x'], { flags: ['--timeout=500us'] })))?.message,
    'Interval "timeout" cannot be less than 1ms',
  );
});

test('ONBUILD keeps the trigger text and refuses ONBUILD, FROM and MAINTAINER triggers', (t) => {
  const onbuild = parseInstruction(node('ONBUILD', ['RUN', 'echo hi'], { original: 'onbuild  RUN echo hi' }));
  t.is(onbuild.kind === 'onbuild' ? onbuild.expression : undefined, 'RUN echo hi');
  t.is(t.throws(() => parseInstruction(node('ONBUILD', ['maintainer', 'x'])))?.message, "MAINTAINER isn't allowed as an ONBUILD trigger");
  t.is(t.throws(() => parseInstruction(node('ONBUILD', [])))?.message, 'ONBUILD requires at least one argument');
});

test('ARG takes several name[=default] words and refuses a blank name', (t) => {
  const arg = parseInstruction(node('ARG', ['A', 'B=', 'C=x=y']));
  t.deepEqual(
    arg.kind === 'arg' ? arg.args.map((a) => [a.key, a.value]) : undefined,
    [['A', undefined], ['B', ''], ['C', 'x=y']],
  );
  t.is(t.throws(() => parseInstruction(node('ARG', ['=x'])))?.message, 'ARG names can not be blank');
});

test('VOLUME trims entries and refuses an empty one', (t) => {
  const volume = parseInstruction(node('VOLUME', [' /data ', '/logs'], { json: true }));
  t.deepEqual(volume.kind === 'volume' ? volume.volumes.map((v) => v.value) : undefined, ['/data', '/logs']);
  t.is(t.throws(() => parseInstruction(node('VOLUME', [' '], { json: true })))?.message, 'VOLUME specified can not be an empty string');
});
