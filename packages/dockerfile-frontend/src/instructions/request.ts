import type { SourceRange } from '@kiln/errors';
import type { Argument, Comment, Heredoc, Instruction } from '@kiln/dockerfile-syntax';
import { parseFlags, type FlagSpec, type FlagValues } from './flags.js';
import type { Located } from './instruction-error.js';

/**
 * What every typed instruction keeps of its syntax node, so that later layers
 * (conversion, lint, error rendering) can point into the Dockerfile.
 */
export interface InstructionBase {
  /** The syntax node this was made from. */
  readonly node: Instruction;
  /** The whole instruction (1-based, end inclusive), heredoc bodies included. */
  readonly range: SourceRange;
  /** Just the keyword. */
  readonly keywordRange: SourceRange;
  /** The instruction text with continuations joined (BuildKit's `Original`), trimmed. */
  readonly code: string;
  /** The declared flags' values and where each was written. */
  readonly flags: FlagValues;
}

/** The pieces of a syntax node an instruction parser works from (BuildKit's `parseRequest`). */
export interface ParseRequest {
  readonly node: Instruction;
  /** Upper-cased keyword, as BuildKit names instructions in messages. */
  readonly command: string;
  readonly args: readonly Argument[];
  readonly heredocs: readonly Heredoc[];
  readonly json: boolean;
  readonly original: string;
  readonly comments: readonly Comment[];
}

/** Builds the request for `node`. */
export function requestFromNode(node: Instruction): ParseRequest {
  return {
    node,
    command: node.name.toUpperCase(),
    args: node.args,
    heredocs: node.heredocs,
    json: node.json,
    original: node.original,
    comments: node.comments,
  };
}

/** Checks the node's flags against `specs` (throws `InstructionError`). */
export function flagsOf(req: ParseRequest, specs: readonly FlagSpec[]): FlagValues {
  return parseFlags(req.node.flags, specs);
}

/** The fields of {@link InstructionBase} for `req`. */
export function baseOf(req: ParseRequest, flags: FlagValues): InstructionBase {
  return {
    node: req.node,
    range: req.node.range,
    keywordRange: req.node.keywordRange,
    code: req.original.trim(),
    flags,
  };
}

/** An argument as a located word. */
export function located(arg: Argument): Located {
  return { value: arg.value, range: arg.range };
}

/**
 * BuildKit's `handleJSONArgs`: exec-form arguments as they are; shell-form
 * words joined with single spaces into one string (none for no words).
 */
export function handleJsonArgs(args: readonly string[], json: boolean): string[] {
  if (args.length === 0) return [];
  return json ? [...args] : [args.join(' ')];
}
