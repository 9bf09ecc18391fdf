/**
 * The grammar of instruction lines (continuations already joined), as a
 * chevrotain CstParser. The keyword token decides the family (its lexer mode
 * chose the argument tokens), ONBUILD prefixes nest another instruction.
 * `instructions` reads the lines of a batch at once (a fixed cost per call is
 * paid once per file), `instruction` one line, which reports its errors on its
 * own. The parser instances are built on first use and reused.
 */
import type { CstNode, ILexingError, IOrAlt, IRecognitionException } from 'chevrotain';
import type { EscapeChar } from './ast.js';
import { chevrotain } from './chevrotain-runtime.js';
import {
  Flag,
  HealthType,
  Healthcheck,
  Keyword,
  Onbuild,
  QuotedKeyword,
  QuotedWord,
  RawText,
  RestKeyword,
  UnknownKeyword,
  Word,
  WordsKeyword,
  allTokens,
  instructionLexer,
} from './tokens.js';

const { CstParser, tokenMatcher } = chevrotain;

/**
 * The instruction-line grammar. Rules are class properties, as chevrotain's examples write them.
 * The families are alternatives inside `instruction` rather than rules of their own: a rule
 * invocation (and its CST node) per line costs more than all of a short line's tokens.
 * The numbers on `CONSUME2`, `MANY3`, ... tell chevrotain's repeated occurrences apart.
 * The alternatives are built once and cached (chevrotain's advice for hot `OR`s): built
 * inline, they would be a dozen objects and closures per line.
 */
export class InstructionParser extends CstParser {
  /**
   * @param recovery - chevrotain's error recovery, for a line parsed alone (whose errors are
   * reported); a batch of lines is parsed without it and redone line by line on any error.
   * @param validate - run chevrotain's grammar validations; they cost start-up time, so the shared
   * instances skip them and a test builds one with them on.
   */
  constructor(recovery: boolean, validate = false) {
    super([...allTokens], { recoveryEnabled: recovery, maxLookahead: 1, skipValidations: !validate });
    this.performSelfAnalysis();
  }

  /** The lines of a batch (their ends are not tokens: see {@link parseInstructionLines}). */
  instructions = this.RULE('instructions', () => {
    this.MANY(() => this.SUBRULE(this.instruction));
  });

  #alternatives: IOrAlt<void>[] | undefined;

  /**
   * An instruction: a keyword, its flags, its arguments; or `ONBUILD [flags]` prefixes (all of
   * them, so the nesting is one level however long the chain) and the instruction they wrap.
   */
  instruction = this.RULE('instruction', () => {
    this.OR((this.#alternatives ??= this.#instructionAlternatives()));
  });

  /** One alternative per family, and ONBUILD; built once, on the first parse (the grammar recording). */
  #instructionAlternatives(): IOrAlt<void>[] {
    return [
      {
        ALT: () => {
          this.AT_LEAST_ONE(() => this.SUBRULE(this.onbuildPrefix));
          this.OPTION(() => this.SUBRULE2(this.instruction));
        },
      },
      {
        // RUN, CMD, ENTRYPOINT, SHELL (maybe JSON) and MAINTAINER, USER, WORKDIR, STOPSIGNAL (one string).
        ALT: () => {
          this.CONSUME(RestKeyword);
          this.MANY2(() => this.CONSUME(Flag));
          this.OPTION2(() => this.CONSUME(RawText));
        },
      },
      {
        // FROM, EXPOSE (words) and ADD, COPY, VOLUME (maybe JSON, else words).
        ALT: () => {
          this.CONSUME(WordsKeyword);
          this.MANY3(() => this.CONSUME2(Flag));
          this.MANY4(() => this.CONSUME(Word));
        },
      },
      {
        // ARG (words), ENV and LABEL (key/value pairs).
        ALT: () => {
          this.CONSUME(QuotedKeyword);
          this.MANY5(() => this.CONSUME3(Flag));
          this.MANY6(() => this.CONSUME(QuotedWord));
        },
      },
      {
        // HEALTHCHECK: a type word (CMD, NONE, anything), then maybe-JSON text.
        ALT: () => {
          this.CONSUME(Healthcheck);
          this.MANY7(() => this.CONSUME4(Flag));
          this.OPTION3(() => {
            this.CONSUME(HealthType);
            this.OPTION4(() => this.CONSUME2(RawText));
          });
        },
      },
      {
        // An unknown keyword: accepted here, rejected by the instruction layer.
        ALT: () => {
          this.CONSUME(UnknownKeyword);
          this.MANY8(() => this.CONSUME5(Flag));
          this.OPTION5(() => this.CONSUME3(RawText));
        },
      },
    ];
  }

  onbuildPrefix = this.RULE('onbuildPrefix', () => {
    this.CONSUME(Onbuild);
    this.MANY(() => this.CONSUME(Flag));
  });
}

let batchParser: InstructionParser | undefined;
let lineParser: InstructionParser | undefined;

/**
 * The shared parser for batches of lines (no error recovery), built on first
 * use: self-analysis costs a few milliseconds once.
 */
export function instructionParser(): InstructionParser {
  batchParser ??= new InstructionParser(false);
  return batchParser;
}

/** The shared parser for a line alone, with error recovery; built only when a batch failed. */
function recoveringParser(): InstructionParser {
  lineParser ??= new InstructionParser(true);
  return lineParser;
}

/** The concrete syntax tree of one line, with what went wrong on the way. */
export interface InstructionCst {
  readonly cst: CstNode;
  readonly lexErrors: readonly ILexingError[];
  readonly parseErrors: readonly IRecognitionException[];
}

/** Lexes and parses one joined instruction line. */
export function parseInstructionLine(text: string, escapeChar: EscapeChar): InstructionCst {
  const lexed = instructionLexer(escapeChar).tokenize(text);
  const p = recoveringParser();
  p.input = lexed.tokens;
  const cst = p.instruction();
  return { cst, lexErrors: lexed.errors, parseErrors: p.errors };
}

/**
 * Lexes and parses joined instruction lines in one call. `lines` is their
 * texts, each followed by `\n` (which no joined line contains); `starts[i]`
 * is the offset of line `i` in it, and no line is blank or starts with a
 * blank. Returns the `instructions` CST, with one `instruction` child per line
 * whose tokens' `startOffset` are made relative to their own line (as
 * {@link parseInstructionLine} gives them), or undefined when the batch cannot
 * stand for the lines alone: something failed to lex or parse, or a line's
 * instruction did not stay within it. The caller then parses the lines one by
 * one, so every error is reported exactly as for a line alone.
 */
export function parseInstructionLines(lines: string, starts: readonly number[], escapeChar: EscapeChar): CstNode | undefined {
  const lexed = instructionLexer(escapeChar).tokenize(lines);
  if (lexed.errors.length > 0) return undefined;
  const tokens = lexed.tokens;
  // Line ends are not tokens, so check that every line is one instruction of its own: its first
  // token starts the line and is a keyword (alone, a line's first word is never a flag; after
  // `RUN --x`, a next line `--y` would lex as one), and the line has an instruction keyword, not
  // only ONBUILD prefixes (which would take the next line's instruction). Then the parser, which
  // cannot take a keyword after an instruction keyword, ends each instruction with its line.
  // The CST will hold these same token objects: rebasing them here rebases the tree.
  let line = -1;
  let nextStart = starts[0] ?? 0;
  let base = 0;
  let hasInstruction = true;
  for (const t of tokens) {
    if (t.startOffset >= nextStart) {
      if (!hasInstruction || t.startOffset !== nextStart || !(tokenMatcher(t, Keyword) || t.tokenType === UnknownKeyword)) return undefined;
      base = nextStart;
      nextStart = starts[++line + 1] ?? lines.length;
      hasInstruction = false;
    }
    if (!hasInstruction && ((t.tokenType !== Onbuild && tokenMatcher(t, Keyword)) || t.tokenType === UnknownKeyword)) hasInstruction = true;
    t.startOffset -= base;
  }
  if (!hasInstruction || line !== starts.length - 1) return undefined;
  const p = instructionParser();
  p.input = tokens;
  const cst = p.instructions();
  if (p.errors.length > 0) return undefined;
  if ((cst.children['instruction']?.length ?? 0) !== starts.length) return undefined;
  return cst;
}
