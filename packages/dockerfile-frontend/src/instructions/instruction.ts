/** The typed instruction union and the dispatcher from syntax nodes (BuildKit's `ParseInstruction`). */
import { DockerfileSyntaxError, isKilnError } from '@kiln/errors';
import type { Instruction } from '@kiln/dockerfile-syntax';
import { InstructionError } from './instruction-error.js';
import { requestFromNode, type ParseRequest } from './request.js';
import { withSuggestion } from './suggest.js';
import { parseArg, type ArgInstruction } from './commands-arg.js';
import { parseCmd, parseEntrypoint, parseShell, type CmdInstruction, type EntrypointInstruction, type ShellInstruction } from './commands-cmd.js';
import { parseAdd, parseCopy, type AddInstruction, type CopyInstruction } from './commands-copy.js';
import { parseExpose, type ExposeInstruction } from './commands-expose.js';
import { parseFrom, type FromInstruction } from './commands-from.js';
import { parseHealthcheck, type HealthcheckInstruction } from './commands-healthcheck.js';
import {
  parseEnv,
  parseLabel,
  parseMaintainer,
  parseStopSignal,
  parseUser,
  parseVolume,
  parseWorkdir,
  type EnvInstruction,
  type LabelInstruction,
  type MaintainerInstruction,
  type StopSignalInstruction,
  type UserInstruction,
  type VolumeInstruction,
  type WorkdirInstruction,
} from './commands-metadata.js';
import { parseOnbuild, type OnbuildInstruction } from './commands-onbuild.js';
import { parseRun, type RunInstruction } from './commands-run.js';

/** Every instruction except FROM: what a stage holds. Switch on `kind`. */
export type Command =
  | AddInstruction
  | ArgInstruction
  | CmdInstruction
  | CopyInstruction
  | EntrypointInstruction
  | EnvInstruction
  | ExposeInstruction
  | HealthcheckInstruction
  | LabelInstruction
  | MaintainerInstruction
  | OnbuildInstruction
  | RunInstruction
  | ShellInstruction
  | StopSignalInstruction
  | UserInstruction
  | VolumeInstruction
  | WorkdirInstruction;

/** Any typed instruction: FROM or a {@link Command}. */
export type TypedInstruction = FromInstruction | Command;

const parsers = {
  add: parseAdd,
  arg: parseArg,
  cmd: parseCmd,
  copy: parseCopy,
  entrypoint: parseEntrypoint,
  env: parseEnv,
  expose: parseExpose,
  from: parseFrom,
  healthcheck: parseHealthcheck,
  label: parseLabel,
  maintainer: parseMaintainer,
  onbuild: parseOnbuild,
  run: parseRun,
  shell: parseShell,
  stopsignal: parseStopSignal,
  user: parseUser,
  volume: parseVolume,
  workdir: parseWorkdir,
} as const satisfies Record<string, (req: ParseRequest) => TypedInstruction>;

/** The 18 instruction keywords, lower-case. */
export const instructionNames: readonly string[] = Object.keys(parsers);

/** Options of {@link parseInstruction}. */
export interface ParseInstructionOptions {
  /** The Dockerfile's name as the user gave it, put on errors. */
  readonly file?: string;
}

/**
 * Turns one syntax node into a typed instruction, checking its flags and
 * arguments as BuildKit does. Nothing is expanded. Throws
 * `DockerfileSyntaxError` whose `ranges[0]` is the flag or argument at
 * fault when known, then the whole instruction; the message is
 * BuildKit's (`unknown instruction: X (did you mean Y?)`, `unknown flag: --x`,
 * `X requires exactly one argument`, ...). The underlying `InstructionError`
 * is the `cause`.
 */
export function parseInstruction(node: Instruction, options: ParseInstructionOptions = {}): TypedInstruction {
  const name = node.name.toLowerCase();
  // Own keys only: `constructor` or `__proto__` written as a keyword must be unknown, not Object's.
  const parse = Object.hasOwn(parsers, name) ? (parsers as Record<string, (req: ParseRequest) => TypedInstruction>)[name] : undefined;
  try {
    if (parse === undefined) {
      const message = withSuggestion(`unknown instruction: ${node.keyword}`, node.keyword, instructionNames, false);
      throw new InstructionError(message, node.keywordRange);
    }
    return parse(requestFromNode(node));
  } catch (error) {
    throw locate(error, node, options.file);
  }
}

/** Wraps an error from an instruction parser into a `DockerfileSyntaxError` at `node`. */
export function locate(error: unknown, node: Instruction, file: string | undefined): unknown {
  if (error instanceof DockerfileSyntaxError) return error;
  if (error instanceof InstructionError) {
    // The part at fault (a flag, an argument) comes first: editors and `file:line:col` point at it, even on a continuation line.
    const ranges = error.part === undefined ? [node.range] : [error.part, node.range];
    return new DockerfileSyntaxError(error.message, ranges, { cause: error, ...(file === undefined ? {} : { file }) });
  }
  if (isKilnError(error)) {
    return new DockerfileSyntaxError(error.message, [node.range], {
      cause: error,
      code: error.code,
      ...(file === undefined ? {} : { file }),
    });
  }
  return error;
}
