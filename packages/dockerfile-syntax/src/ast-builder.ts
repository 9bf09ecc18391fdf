/**
 * From the shape of one line to the typed AST: BuildKit's per-instruction
 * argument rules (`line_parsers.go`), with a source range for every part.
 */
import type { IToken } from 'chevrotain';
import type { SourceRange } from '@kiln/errors';
import type { Argument, Comment, EscapeChar, Flag, Heredoc, Instruction, KeyValuePair } from './ast.js';
import { splitFlag, unquoteFlagWord } from './flags.js';
import { goQuote } from './go-quote.js';
import type { CoreShape, LineShape, PrefixShape } from './instruction-shape.js';
import { parseJsonArray, type JsonArrayResult } from './json-array.js';
import type { LogicalLine } from './logical-line.js';

/** BuildKit's message for a JSON array holding something other than strings. */
export const NOT_STRING_ARRAY = 'when using JSON array syntax, arrays must be comprised of strings only';

/** A problem in one instruction's text. */
export interface InstructionProblem {
  readonly message: string;
  readonly range: SourceRange;
}

/** Thrown inside the builder only, caught by {@link buildInstruction}. */
class Problem {
  readonly message: string;
  readonly range: SourceRange;
  constructor(message: string, range: SourceRange) {
    this.message = message;
    this.range = range;
  }
}

interface Context {
  readonly line: LogicalLine;
  readonly text: string;
  /** End of the text without trailing blanks. */
  readonly end: number;
  readonly escapeChar: EscapeChar;
  readonly comments: readonly Comment[];
}

function tokenEnd(t: IToken): number {
  return t.startOffset + t.image.length;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13;
}

function buildFlags(ctx: Context, tokens: readonly IToken[]): Flag[] {
  const flags: Flag[] = [];
  for (const t of tokens) {
    const text = unquoteFlagWord(t.image, ctx.escapeChar);
    if (text === '--') break;
    const { name, value } = splitFlag(text);
    flags.push({ text, name, value, range: ctx.line.range(t.startOffset, tokenEnd(t)) });
  }
  return flags;
}

function arg(ctx: Context, value: string, start: number, end: number): Argument {
  return { value, range: ctx.line.range(start, end) };
}

interface Args {
  args: Argument[];
  pairs: KeyValuePair[];
  json: boolean;
}

const NO_ARGS: Args = { args: [], pairs: [], json: false };

/** A line's arguments read as a JSON array (its exec form): the text tried, where it starts in the line, and the outcome. */
export interface ExecForm {
  readonly text: string;
  /** Offset of `text` in the joined line (0-based). */
  readonly start: number;
  /** Unset until read: lines of a batch are read together ({@link parseJsonArrays}). */
  result?: JsonArrayResult;
}

/**
 * The text BuildKit would try as a JSON array for this line, when its
 * arguments start with `[`: the raw text of RUN, CMD, ENTRYPOINT, SHELL and
 * HEALTHCHECK's command, the rest of the line for ADD, COPY and VOLUME.
 */
export function execFormOf(text: string, shape: LineShape): ExecForm | undefined {
  const core = shape.core;
  if (core === undefined) return undefined;
  const first = core.family === 'healthcheck' ? core.args[1] : core.args[0];
  if (first === undefined || first.image.charCodeAt(0) !== 91) return undefined;
  const name = core.keyword.image.toLowerCase();
  switch (core.family) {
    case 'rest':
      return name === 'run' || name === 'cmd' || name === 'entrypoint' || name === 'shell' ? { text: first.image, start: first.startOffset } : undefined;
    case 'healthcheck':
      return { text: first.image, start: first.startOffset };
    case 'words': {
      if (name !== 'add' && name !== 'copy' && name !== 'volume') return undefined;
      let end = text.length;
      while (end > 0 && isBlank(text.charCodeAt(end - 1))) end--;
      return { text: text.slice(first.startOffset, end), start: first.startOffset };
    }
    default:
      return undefined;
  }
}

/** The exec form's elements as arguments, or its problem thrown; undefined when it is not JSON. */
function execFormArgs(ctx: Context, form: ExecForm | undefined): Args | undefined {
  if (form === undefined) return undefined;
  const parsed = (form.result ??= parseJsonArray(form.text));
  const base = form.start;
  if (parsed.kind === 'strings') return { args: parsed.elements.map((e) => arg(ctx, e.value!, base + e.start, base + e.end)), pairs: [], json: true };
  if (parsed.kind === 'notStrings') throw new Problem(NOT_STRING_ARRAY, ctx.line.range(base + parsed.element.start, base + parsed.element.end));
  return undefined;
}

/** BuildKit's parseMaybeJSON: exec form when the text is a JSON array of strings, else the text as one argument. */
function maybeJson(ctx: Context, raw: IToken | undefined, form: ExecForm | undefined): Args {
  if (raw === undefined) return NO_ARGS;
  return execFormArgs(ctx, form) ?? { args: [arg(ctx, raw.image, raw.startOffset, tokenEnd(raw))], pairs: [], json: false };
}

function words(ctx: Context, tokens: readonly IToken[]): Args {
  return { args: tokens.map((t) => arg(ctx, t.image, t.startOffset, tokenEnd(t))), pairs: [], json: false };
}

/** BuildKit's parseMaybeJSONToList: exec form, else whitespace-separated words. */
function maybeJsonToList(ctx: Context, tokens: readonly IToken[], form: ExecForm | undefined): Args {
  return execFormArgs(ctx, form) ?? words(ctx, tokens);
}

/** BuildKit's parseNameVal for ENV and LABEL: legacy `KEY value` or `k=v` words. */
function nameValues(ctx: Context, keyword: IToken, tokens: readonly IToken[]): Args {
  const first = tokens[0];
  if (first === undefined) return NO_ARGS;
  const pairs: KeyValuePair[] = [];
  if (!first.image.includes('=')) {
    const start = first.startOffset;
    let keyEnd = start;
    while (keyEnd < ctx.end && !isBlank(ctx.text.charCodeAt(keyEnd))) keyEnd++;
    let valueStart = keyEnd;
    while (valueStart < ctx.end && isBlank(ctx.text.charCodeAt(valueStart))) valueStart++;
    if (keyEnd >= ctx.end) throw new Problem(`${keyword.image.toUpperCase()} must have two arguments`, ctx.line.range(keyword.startOffset, Math.max(ctx.end, tokenEnd(keyword))));
    pairs.push({
      key: arg(ctx, ctx.text.slice(start, keyEnd), start, keyEnd),
      value: arg(ctx, ctx.text.slice(valueStart, ctx.end), valueStart, ctx.end),
      separator: '',
    });
  } else {
    for (const t of tokens) {
      const eq = t.image.indexOf('=');
      if (eq === -1) {
        throw new Problem(`Syntax error - can't find = in ${goQuote(t.image)}. Must be of the form: name=value`, ctx.line.range(t.startOffset, tokenEnd(t)));
      }
      const at = t.startOffset + eq;
      pairs.push({ key: arg(ctx, t.image.slice(0, eq), t.startOffset, at), value: arg(ctx, t.image.slice(eq + 1), at + 1, tokenEnd(t)), separator: '=' });
    }
  }
  const args: Argument[] = [];
  for (const p of pairs) {
    const sepRange = p.separator === '=' ? { start: { ...p.value.range.start, column: p.value.range.start.column - 1 }, end: { ...p.value.range.start, column: p.value.range.start.column - 1 } } : { start: p.key.range.start, end: p.value.range.end };
    args.push(p.key, p.value, { value: p.separator, range: sepRange });
  }
  return { args, pairs, json: false };
}

/** The arguments of the core instruction; `form` is its exec form, as {@link execFormOf} finds it. */
function coreArgs(ctx: Context, shape: CoreShape, name: string, form: ExecForm | undefined): Args {
  switch (shape.family) {
    case 'rest':
      if (name === 'run' || name === 'cmd' || name === 'entrypoint' || name === 'shell') return maybeJson(ctx, shape.args[0], form);
      return words(ctx, shape.args.slice(0, 1));
    case 'words':
      return name === 'from' || name === 'expose' ? words(ctx, shape.args) : maybeJsonToList(ctx, shape.args, form);
    case 'quoted':
      return name === 'arg' ? words(ctx, shape.args) : nameValues(ctx, shape.keyword, shape.args);
    case 'healthcheck': {
      const type = shape.args[0];
      if (type === undefined) return NO_ARGS;
      const rest = maybeJson(ctx, shape.args[1], form);
      return { args: [arg(ctx, type.image, type.startOffset, tokenEnd(type)), ...rest.args], pairs: [], json: rest.json };
    }
    case 'unknown': {
      // BuildKit ignores an unknown instruction's arguments and keeps one empty one.
      const raw = shape.args[0];
      const at = raw === undefined ? shape.keyword : raw;
      return { args: [{ value: '', range: ctx.line.range(at.startOffset, tokenEnd(at)) }], pairs: [], json: false };
    }
  }
}

function instructionFrom(ctx: Context, keyword: IToken, name: string, flags: Flag[], args: Args, child: Instruction | undefined, topLevel: boolean): Instruction {
  const start = keyword.startOffset;
  return {
    keyword: keyword.image,
    name,
    flags,
    args: args.args,
    pairs: args.pairs,
    json: args.json,
    // BuildKit's Node.Original: the whole joined line at the top level, the trimmed rest for an ONBUILD's instruction.
    original: topLevel ? ctx.text : ctx.text.slice(start, ctx.end),
    heredocs: [],
    comments: ctx.comments,
    child,
    range: ctx.line.range(start, Math.max(ctx.end, tokenEnd(keyword))),
    keywordRange: ctx.line.range(start, tokenEnd(keyword)),
  };
}

/**
 * Builds the instruction of one line. `comments` are the comments above it;
 * `form` is the line's exec form as {@link execFormOf} finds it (read here
 * unless its result is already set). Returns the instruction, or the first
 * problem in it (BuildKit stops at the first too).
 */
export function buildInstruction(
  line: LogicalLine,
  shape: LineShape,
  escapeChar: EscapeChar,
  comments: readonly Comment[],
  form: ExecForm | undefined = execFormOf(line.text, shape),
): { instruction: Instruction } | { problem: InstructionProblem } | undefined {
  const text = line.text;
  let end = text.length;
  while (end > 0 && isBlank(text.charCodeAt(end - 1))) end--;
  const ctx: Context = { line, text, end, escapeChar, comments };
  try {
    let built: Instruction | undefined;
    if (shape.core !== undefined) {
      const k = shape.core.keyword;
      const name = k.image.toLowerCase();
      const wrapped = shape.prefixes.length > 0;
      built = instructionFrom(wrapped ? { ...ctx, comments: [] } : ctx, k, name, buildFlags(ctx, shape.core.flags), coreArgs(ctx, shape.core, name, form), undefined, !wrapped);
    }
    for (let i = shape.prefixes.length - 1; i >= 0; i--) {
      const prefix: PrefixShape = shape.prefixes[i]!;
      built = instructionFrom(i === 0 ? ctx : { ...ctx, comments: [] }, prefix.keyword, prefix.keyword.image.toLowerCase(), buildFlags(ctx, prefix.flags), NO_ARGS, built, i === 0);
    }
    return built === undefined ? undefined : { instruction: built };
  } catch (e) {
    if (e instanceof Problem) return { problem: { message: e.message, range: e.range } };
    throw e;
  }
}

/** A copy of `instruction` with heredocs attached (to an ONBUILD's wrapped instruction too) and its range extended to `end`. */
export function withHeredocs(instruction: Instruction, heredocs: readonly Heredoc[], end: SourceRange['end']): Instruction {
  const child = instruction.child === undefined ? undefined : { ...instruction.child, heredocs, range: { start: instruction.child.range.start, end } };
  return { ...instruction, heredocs, child, range: { start: instruction.range.start, end } };
}
