/**
 * The grammar of one instruction line (continuations already joined), as a
 * chevrotain CstParser. The keyword token decides the family (its lexer mode
 * chose the argument tokens), ONBUILD prefixes nest another instruction.
 * One parser instance is built on first use and reused for every line.
 */
import type { CstNode, ILexingError, IRecognitionException } from 'chevrotain';
import type { EscapeChar } from './ast.js';
import { chevrotain } from './chevrotain-runtime.js';
import {
  Flag,
  HealthType,
  Healthcheck,
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

const { CstParser } = chevrotain;

/** The instruction-line grammar. Rules are class properties, as chevrotain's examples write them. */
export class InstructionParser extends CstParser {
  /**
   * @param validate - run chevrotain's grammar validations; they cost start-up time, so the shared
   * instance skips them and a test builds one with them on.
   */
  constructor(validate = false) {
    super([...allTokens], { recoveryEnabled: true, maxLookahead: 1, skipValidations: !validate });
    this.performSelfAnalysis();
  }

  /** `ONBUILD [flags]` prefixes, then the instruction they wrap. */
  instruction = this.RULE('instruction', () => {
    this.MANY(() => this.SUBRULE(this.onbuildPrefix));
    // The families are alternatives right here (no intermediate rule): one CST node less per line.
    this.OPTION(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.restInstruction) },
        { ALT: () => this.SUBRULE(this.wordsInstruction) },
        { ALT: () => this.SUBRULE(this.quotedInstruction) },
        { ALT: () => this.SUBRULE(this.healthcheckInstruction) },
        { ALT: () => this.SUBRULE(this.unknownInstruction) },
      ]),
    );
  });

  onbuildPrefix = this.RULE('onbuildPrefix', () => {
    this.CONSUME(Onbuild);
    this.MANY(() => this.CONSUME(Flag));
  });

  /** RUN, CMD, ENTRYPOINT, SHELL (maybe JSON) and MAINTAINER, USER, WORKDIR, STOPSIGNAL (one string). */
  restInstruction = this.RULE('restInstruction', () => {
    this.CONSUME(RestKeyword);
    this.MANY(() => this.CONSUME(Flag));
    this.OPTION(() => this.CONSUME(RawText));
  });

  /** FROM, EXPOSE (words) and ADD, COPY, VOLUME (maybe JSON, else words). */
  wordsInstruction = this.RULE('wordsInstruction', () => {
    this.CONSUME(WordsKeyword);
    this.MANY(() => this.CONSUME(Flag));
    this.MANY2(() => this.CONSUME(Word));
  });

  /** ARG (words), ENV and LABEL (key/value pairs). */
  quotedInstruction = this.RULE('quotedInstruction', () => {
    this.CONSUME(QuotedKeyword);
    this.MANY(() => this.CONSUME(Flag));
    this.MANY2(() => this.CONSUME(QuotedWord));
  });

  healthcheckInstruction = this.RULE('healthcheckInstruction', () => {
    this.CONSUME(Healthcheck);
    this.MANY(() => this.CONSUME(Flag));
    this.OPTION(() => {
      this.CONSUME(HealthType);
      this.OPTION2(() => this.CONSUME(RawText));
    });
  });

  /** An unknown keyword: accepted here, rejected by the instruction layer. */
  unknownInstruction = this.RULE('unknownInstruction', () => {
    this.CONSUME(UnknownKeyword);
    this.MANY(() => this.CONSUME(Flag));
    this.OPTION(() => this.CONSUME(RawText));
  });
}

let parser: InstructionParser | undefined;

/** The shared parser, built on first use (self-analysis costs a few milliseconds once). */
export function instructionParser(): InstructionParser {
  parser ??= new InstructionParser();
  return parser;
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
  const p = instructionParser();
  p.input = lexed.tokens;
  const cst = p.instruction();
  return { cst, lexErrors: lexed.errors, parseErrors: p.errors };
}
