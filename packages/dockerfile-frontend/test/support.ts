/**
 * Test helpers: syntax nodes built by hand (for ASTs the text cannot produce,
 * as BuildKit's own tests build them), the real parser when it is there, and
 * typed views of the instruction corpus.
 */
import { parseDockerfile, type Instruction } from '@kiln/dockerfile-syntax';
import type { SourceRange } from '@kiln/errors';
import { readCorpusJson } from '../../../test/support/shared.ts';

/** A range on line 1 from `start` to `end` (1-based, inclusive). */
export function at(start: number, end: number, line = 1): SourceRange {
  return { start: { line, column: start }, end: { line, column: end } };
}

/** A hand-built node: each word gets its own made-up range on line 1. */
export function node(
  name: string,
  args: readonly string[],
  extra: { json?: boolean; flags?: readonly string[]; original?: string } = {},
): Instruction {
  let column = name.length + 2;
  const word = (value: string) => {
    const range = at(column, column + Math.max(value.length, 1) - 1);
    column += value.length + 1;
    return range;
  };
  const flags = (extra.flags ?? []).map((text) => {
    const eq = text.indexOf('=');
    return { text, name: (eq < 0 ? text : text.slice(0, eq)).slice(2), value: eq < 0 ? undefined : text.slice(eq + 1), range: word(text) };
  });
  const nodeArgs = args.map((value) => ({ value, range: word(value) }));
  return {
    keyword: name,
    name: name.toLowerCase(),
    flags,
    args: nodeArgs,
    pairs: [],
    json: extra.json ?? false,
    original: extra.original ?? [name, ...(extra.flags ?? []), ...args].join(' '),
    heredocs: [],
    comments: [],
    child: undefined,
    range: at(1, Math.max(column - 2, 1)),
    keywordRange: at(1, name.length),
  };
}

export { parseDockerfile };

/** The first instruction node of `text`, through the real parser. */
export function firstNode(text: string): Instruction {
  const first = parseDockerfile(text).instructions[0];
  if (first === undefined) throw new Error(`no instruction in ${JSON.stringify(text)}`);
  return first;
}

/** A short, one-line rendering of a Dockerfile for test titles. */
export function show(text: string): string {
  const flat = JSON.stringify(text);
  return flat.length > 70 ? `${flat.slice(0, 67)}...` : flat;
}

interface ArgumentCountGroup {
  readonly instructions: readonly string[];
  readonly expectedErrorTemplate: string;
}

/** The part of `instructions/instructions-vectors.json` the tests read. */
export interface InstructionVectors {
  readonly argumentCountErrors: Readonly<Record<'exactlyOne' | 'atLeastOne' | 'noDestination' | 'tooManyArguments' | 'blankNames', ArgumentCountGroup>>;
  readonly errorCases: readonly { name: string; dockerfile: string; expectedError: string }[];
  readonly healthcheck: readonly { ast: readonly string[]; note: string; expectedTest: readonly string[] }[];
  readonly healthcheckIntervals: { readonly cases: readonly { value: string; ok?: true; error?: string }[] };
  readonly copyHeredoc: {
    readonly cases: readonly {
      dockerfile: string;
      destPath: string;
      sourcePaths: readonly string[];
      sourceContents: readonly { path: string; data: string; expand: boolean }[];
    }[];
  };
  readonly runHeredoc: {
    readonly cases: readonly {
      dockerfile: string;
      prependShell: boolean;
      cmdLine: readonly string[];
      files: readonly { name: string; data: string; chomp: boolean }[];
    }[];
  };
  readonly runFlagsUsed: readonly { dockerfile: string; flagsUsed: readonly string[] }[];
  readonly docComments: {
    readonly dockerfile: string;
    readonly expected: {
      readonly 'stage0.DocComment': string;
      readonly metaArg0: { key: string; doc: string };
      readonly 'stage0.commands': readonly [{ arg: string; doc: string }, { args: readonly { key: string; doc: string }[] }];
    };
  };
  readonly builderFlags: {
    readonly cases: readonly {
      declare: readonly (readonly [string, 'bool' | 'string', string | boolean])[];
      args: readonly string[];
      ok: boolean;
      values?: Readonly<Record<string, string | boolean>>;
      used?: readonly string[];
      note?: string;
    }[];
  };
  readonly handleJSONArgs: readonly { name: string; args: readonly string[]; json: boolean; expected: readonly string[] }[];
  readonly runDevice: { readonly cases: readonly { input: string; name?: string; required?: boolean; error?: string }[] };
}

/** The instruction corpus, or `undefined` when the corpus is absent. */
export const instructionVectors = readCorpusJson<InstructionVectors>('instructions', 'instructions-vectors.json');

/** `dockerfile2llb/expose-vectors.json`. */
export interface ExposeVectors {
  readonly parsePort: readonly { spec: string; expected?: readonly string[]; error?: string }[];
  readonly parsePorts: readonly { specs: readonly string[]; expected?: readonly string[]; error?: true }[];
}

/** The EXPOSE corpus, or `undefined` when the corpus is absent. */
export const exposeVectors = readCorpusJson<ExposeVectors>('dockerfile2llb', 'expose-vectors.json');
