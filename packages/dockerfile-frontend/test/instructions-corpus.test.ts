// BuildKit's typed-instruction vectors (instructions/instructions-vectors.json), one ava test per case.
import test, { type ExecutionContext } from 'ava';
import { DockerfileSyntaxError } from '@kiln/errors';
import {
  parseFlags,
  parseHealthInterval,
  parseInstruction,
  parseRunDevice,
  parseStages,
  type FlagSpec,
  type TypedInstruction,
} from '@kiln/dockerfile-frontend';
import { firstNode, instructionVectors as vectors, node, parseDockerfile, show } from './support.ts';

/** A test of Dockerfile text through the real parser. */
function textTest(title: string, body: (t: ExecutionContext) => void): void {
  test(title, body);
}

function first(text: string): TypedInstruction {
  return parseInstruction(firstNode(text));
}

function expectKind<K extends TypedInstruction['kind']>(t: ExecutionContext, value: TypedInstruction, kind: K): Extract<TypedInstruction, { kind: K }> {
  if (value.kind !== kind) t.fail(`expected a ${kind} instruction, got ${value.kind}`);
  return value as Extract<TypedInstruction, { kind: K }>;
}

if (vectors === undefined) {
  test.skip('instructions corpus absent: instructions-vectors.json', (t) => t.pass());
} else {
  const counts = vectors.argumentCountErrors;
  for (const group of ['exactlyOne', 'atLeastOne'] as const) {
    for (const instruction of counts[group].instructions) {
      const expected = counts[group].expectedErrorTemplate.replaceAll('<INSTRUCTION>', instruction);
      textTest(`argumentCountErrors.${group}: ${instruction} with no arguments fails with "${expected}"`, (t) => {
        const error = t.throws(() => first(instruction), { instanceOf: DockerfileSyntaxError });
        t.is(error?.message, expected);
      });
    }
  }
  for (const instruction of counts.noDestination.instructions) {
    const expected = counts.noDestination.expectedErrorTemplate.replaceAll('<INSTRUCTION>', instruction);
    textTest(`argumentCountErrors.noDestination: "${instruction} arg1" fails with no destination`, (t) => {
      const error = t.throws(() => first(`${instruction} arg1`), { instanceOf: DockerfileSyntaxError });
      t.is(error?.message, expected);
    });
  }
  for (const instruction of counts.tooManyArguments.instructions) {
    const expected = counts.tooManyArguments.expectedErrorTemplate.replaceAll('<INSTRUCTION>', instruction);
    test(`argumentCountErrors.tooManyArguments: hand-built ${instruction} with 4 argument nodes fails`, (t) => {
      const ast = node(instruction, ['arg1', 'arg2', 'arg3', '']);
      const error = t.throws(() => parseInstruction(ast), { instanceOf: DockerfileSyntaxError });
      t.is(error?.message, expected);
    });
  }
  for (const instruction of counts.blankNames.instructions) {
    const expected = counts.blankNames.expectedErrorTemplate.replaceAll('<INSTRUCTION>', instruction);
    test(`argumentCountErrors.blankNames: hand-built "${instruction} =arg2" fails with blank name`, (t) => {
      const ast = node(instruction, ['', 'arg2', '='], { original: `${instruction} =arg2` });
      const error = t.throws(() => parseInstruction(ast), { instanceOf: DockerfileSyntaxError });
      t.is(error?.message, expected);
    });
  }

  for (const c of vectors.errorCases) {
    textTest(`errorCases: ${c.name} (${show(c.dockerfile)})`, (t) => {
      const error = t.throws(() => first(c.dockerfile), { instanceOf: DockerfileSyntaxError });
      t.true(error?.message.includes(c.expectedError), `${error?.message} should contain ${c.expectedError}`);
    });
  }

  for (const c of vectors.healthcheck) {
    test(`healthcheck: ${c.note}: ${c.ast.join(' ')} gives ${JSON.stringify(c.expectedTest)}`, (t) => {
      const [keyword = '', ...args] = c.ast;
      const hc = expectKind(t, parseInstruction(node(keyword, args)), 'healthcheck');
      t.deepEqual(hc.health.test, c.expectedTest);
    });
  }

  for (const c of vectors.healthcheckIntervals.cases) {
    test(`healthcheckIntervals: --interval=${c.value} ${c.ok === true ? 'is accepted' : `fails with "${c.error}"`}`, (t) => {
      if (c.ok === true) {
        t.notThrows(() => parseHealthInterval('interval', c.value));
      } else {
        const error = t.throws(() => parseHealthInterval('interval', c.value));
        t.true(error?.message.includes(c.error ?? '?'), error?.message);
      }
    });
  }

  for (const c of vectors.copyHeredoc.cases) {
    textTest(`copyHeredoc: ${show(c.dockerfile)}`, (t) => {
      const copy = expectKind(t, first(c.dockerfile), 'copy');
      t.is(copy.sources.dest.value, c.destPath);
      t.deepEqual(
        copy.sources.sourcePaths.map((p) => p.value),
        c.sourcePaths,
      );
      t.deepEqual(
        copy.sources.sourceContents.map(({ path, data, expand }) => ({ path, data, expand })),
        c.sourceContents,
      );
    });
  }

  for (const c of vectors.runHeredoc.cases) {
    textTest(`runHeredoc: ${show(c.dockerfile)}`, (t) => {
      const run = expectKind(t, first(c.dockerfile), 'run');
      t.is(run.command.prependShell, c.prependShell);
      t.deepEqual(run.command.args, c.cmdLine);
      t.deepEqual(run.command.files, c.files);
    });
  }

  for (const c of vectors.runFlagsUsed) {
    textTest(`runFlagsUsed: ${show(c.dockerfile)} reports ${JSON.stringify(c.flagsUsed)}`, (t) => {
      const run = expectKind(t, first(c.dockerfile), 'run');
      t.deepEqual(run.flagsUsed, c.flagsUsed);
    });
  }

  const docComments = vectors.docComments;
  textTest('docComments: comment blocks above FROM and ARG name the stage and the args', (t) => {
    const expected = docComments.expected;
    const { stages, metaArgs } = parseStages(parseDockerfile(docComments.dockerfile));
    t.is(stages[0]?.docComment, expected['stage0.DocComment']);
    t.is(metaArgs[0]?.args[0]?.key, expected.metaArg0.key);
    t.is(metaArgs[0]?.args[0]?.docComment, expected.metaArg0.doc);
    const [single, several] = stages[0]?.commands ?? [];
    const [firstArg, secondArg] = expected['stage0.commands'];
    t.deepEqual(
      single?.kind === 'arg' ? single.args.map((a) => ({ arg: a.key, doc: a.docComment })) : undefined,
      [firstArg],
    );
    t.deepEqual(
      several?.kind === 'arg' ? several.args.map((a) => ({ key: a.key, doc: a.docComment })) : undefined,
      secondArg.args,
    );
  });

  for (const [i, c] of vectors.builderFlags.cases.entries()) {
    const declared = c.declare.map(([name, kind, defaultValue]) => `${kind} ${name}=${JSON.stringify(defaultValue)}`).join(', ');
    test(`builderFlags #${i}: [${declared}] with ${JSON.stringify(c.args)} ${c.ok ? 'parses' : 'fails'}${c.note === undefined ? '' : ` (${c.note})`}`, (t) => {
      const specs: FlagSpec[] = c.declare.map(([name, kind, defaultValue]) => ({ name, kind, defaultValue }));
      const words = c.args.map((text) => ({ text }));
      if (!c.ok) {
        t.throws(() => parseFlags(words, specs));
        return;
      }
      const flags = parseFlags(words, specs);
      for (const [name, value] of Object.entries(c.values ?? {})) {
        t.is<string | boolean, string | boolean>(typeof value === 'boolean' ? flags.bool(name) : flags.string(name), value, `--${name}`);
      }
      if (c.used !== undefined) t.deepEqual([...flags.used].sort(), [...c.used].sort());
      // Cases that declare nothing to check still promise that no flag was taken.
      if (c.used === undefined && c.values === undefined) t.deepEqual(flags.used, []);
    });
  }

  for (const c of vectors.handleJSONArgs) {
    test(`handleJSONArgs: ${c.name}: CMD ${JSON.stringify(c.args)} (json ${c.json}) gives ${JSON.stringify(c.expected)}`, (t) => {
      const cmd = expectKind(t, parseInstruction(node('CMD', c.args, { json: c.json })), 'cmd');
      t.deepEqual(cmd.command.args, c.expected);
      t.is(cmd.command.prependShell, !c.json);
    });
  }

  for (const c of vectors.runDevice.cases) {
    test(`runDevice: --device=${c.input} ${c.error === undefined ? `is ${c.name} (required ${c.required})` : `fails with "${c.error}"`}`, (t) => {
      if (c.error !== undefined) {
        const error = t.throws(() => parseRunDevice(c.input));
        t.is(error?.message, c.error);
      } else {
        t.deepEqual(parseRunDevice(c.input), { name: c.name, required: c.required });
      }
    });
  }
}
