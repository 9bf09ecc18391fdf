/**
 * The tokens of one instruction line and the lexer modes that choose them.
 *
 * BuildKit splits an instruction's arguments differently per instruction, so
 * the keyword token pushes the lexer mode of its family:
 * - `rest`: the arguments are one raw text (RUN, CMD, ENTRYPOINT, SHELL, and
 *   the one-string instructions MAINTAINER, USER, WORKDIR, STOPSIGNAL);
 * - `words`: whitespace-separated words, quotes not honoured (FROM, EXPOSE,
 *   ADD, COPY, VOLUME);
 * - `quoted`: words that honour quotes and escapes but keep them (ARG, ENV, LABEL);
 * - `healthcheck`: a type word, then raw text;
 * - `ignore`: an unknown instruction, whose arguments are not looked at.
 * Leading `--flag` words are lexed in every mode, but only while no other
 * argument came before them (a custom pattern looks at the previous token).
 * The JSON exec form is a second grammar (see `json-array.ts`) applied to the
 * raw text, because BuildKit decides "JSON or not" by trying.
 */
import type { IToken, TokenType } from 'chevrotain';
import type { EscapeChar } from './ast.js';
import { chevrotain } from './chevrotain-runtime.js';

const { createToken, Lexer, tokenMatcher } = chevrotain;

/** Lexer mode names. */
export const Mode = {
  start: 'start',
  rest: 'rest',
  words: 'words',
  quoted: 'quoted',
  healthcheck: 'healthcheck',
  ignore: 'ignore',
} as const;

/** BuildKit's `reWhitespace` (`[\t\v\f\r ]+`), the separator of instruction words. */
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\v\f\r]+/, group: Lexer.SKIPPED });

/** Every instruction keyword. */
export const Keyword = createToken({ name: 'Keyword', pattern: Lexer.NA });
/** Keywords whose arguments are one raw text. */
export const RestKeyword = createToken({ name: 'RestKeyword', pattern: Lexer.NA, categories: [Keyword] });
/** Keywords whose arguments are whitespace-separated words. */
export const WordsKeyword = createToken({ name: 'WordsKeyword', pattern: Lexer.NA, categories: [Keyword] });
/** Keywords whose arguments are quote-aware words. */
export const QuotedKeyword = createToken({ name: 'QuotedKeyword', pattern: Lexer.NA, categories: [Keyword] });

/** The first word of a line when it is not a known keyword. */
export const UnknownKeyword = createToken({ name: 'UnknownKeyword', pattern: /[^ \t\v\f\r]+/, push_mode: Mode.ignore });

function keyword(name: string, category: TokenType | undefined, mode: string | undefined): TokenType {
  return createToken({
    name: name[0] + name.slice(1).toLowerCase(),
    pattern: new RegExp(name, 'i'),
    longer_alt: UnknownKeyword,
    categories: category === undefined ? [Keyword] : [category],
    ...(mode === undefined ? {} : { push_mode: mode }),
    start_chars_hint: [name[0]!, name[0]!.toLowerCase()],
  });
}

const restKeywords = ['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'MAINTAINER', 'USER', 'WORKDIR', 'STOPSIGNAL'].map((k) => keyword(k, RestKeyword, Mode.rest));
const wordsKeywords = ['FROM', 'EXPOSE', 'ADD', 'COPY', 'VOLUME'].map((k) => keyword(k, WordsKeyword, Mode.words));
const quotedKeywords = ['ARG', 'ENV', 'LABEL'].map((k) => keyword(k, QuotedKeyword, Mode.quoted));
/** HEALTHCHECK: a type word, then maybe-JSON text. */
export const Healthcheck = keyword('HEALTHCHECK', undefined, Mode.healthcheck);
/** ONBUILD stays in the start mode: after its flags comes another instruction. */
export const Onbuild = keyword('ONBUILD', undefined, undefined);

/** The rest of the line, trailing blanks excluded (the line has no newline). */
export const RawText = createToken({
  name: 'RawText',
  pattern: {
    exec(text: string, offset: number): [string] | null {
      let end = text.length;
      while (end > offset && isBlank(text.charCodeAt(end - 1))) end--;
      return end > offset ? [text.slice(offset, end)] : null;
    },
  },
  line_breaks: false,
});

/** A word up to the next blank; quotes are ordinary characters. */
export const Word = createToken({ name: 'Word', pattern: /[^ \t\v\f\r]+/ });

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13;
}

/** Leading flags may follow the keyword (known or not) and other flags, but not the `--` that ends them. */
function flagMayFollow(tokens: IToken[]): boolean {
  const prev = tokens[tokens.length - 1];
  if (prev === undefined) return false;
  if (tokenMatcher(prev, Flag)) return prev.image !== '--';
  return tokenMatcher(prev, Keyword) || prev.tokenType === UnknownKeyword;
}

/** Escapes the escape character for use inside a RegExp. */
function re(c: EscapeChar): string {
  return c === '\\' ? '\\\\' : c;
}

/** Leading `--name[=value]` words; quotes and escapes are resolved later (see `flags.ts`). */
export const Flag = createToken({ name: 'Flag', pattern: Lexer.NA });

function flagToken(escapeChar: EscapeChar): TokenType {
  const e = re(escapeChar);
  // BuildKit's extractBuilderFlags word: escapes work inside both kinds of quotes.
  // The alternatives start with disjoint characters, so matching is linear.
  const pattern = new RegExp(`--(?:[^ \\t\\v\\f\\r"'${e}]|${e}[^]?|"(?:[^"${e}]|${e}[^]?)*"?|'(?:[^'${e}]|${e}[^]?)*'?)*`, 'y');
  return createToken({
    name: escapeChar === '\\' ? 'FlagBackslash' : 'FlagBacktick',
    pattern: {
      exec(text: string, offset: number, tokens: IToken[]): RegExpExecArray | null {
        if (text.charCodeAt(offset + 1) !== 45 || !flagMayFollow(tokens)) return null;
        pattern.lastIndex = offset;
        return pattern.exec(text);
      },
    },
    line_breaks: false,
    start_chars_hint: ['-'],
    categories: [Flag],
  });
}

/** A word that honours quotes and escapes but keeps them: BuildKit's `parseWords` (ARG, ENV, LABEL, heredoc markers). */
export const QuotedWord = createToken({ name: 'QuotedWord', pattern: Lexer.NA });

function quotedWordToken(escapeChar: EscapeChar): TokenType {
  const e = re(escapeChar);
  // Inside '…' the escape character is ordinary; alternatives are disjoint by first character.
  const pattern = new RegExp(`(?:[^ \\t\\v\\f\\r"'${e}]|${e}[^]?|"(?:[^"${e}]|${e}[^]?)*"?|'[^']*'?)+`);
  return createToken({ name: escapeChar === '\\' ? 'QuotedWordBackslash' : 'QuotedWordBacktick', pattern, categories: [QuotedWord] });
}

/** The type word of HEALTHCHECK (`CMD`, `NONE`, anything), right after the keyword and its flags. */
export const HealthType = createToken({
  name: 'HealthType',
  pattern: {
    exec(text: string, offset: number, tokens: IToken[]): [string] | null {
      const prev = tokens[tokens.length - 1];
      if (prev === undefined || !(prev.tokenType === Healthcheck || tokenMatcher(prev, Flag))) return null;
      let end = offset;
      while (end < text.length && !isBlank(text.charCodeAt(end))) end++;
      return end > offset ? [text.slice(offset, end)] : null;
    },
  },
  line_breaks: false,
});

/** All instruction keywords, in lexing order. */
export const allKeywords: readonly TokenType[] = [...restKeywords, ...wordsKeywords, ...quotedKeywords, Healthcheck, Onbuild];

const flavours = { '\\': { flag: flagToken('\\'), quotedWord: quotedWordToken('\\') }, '`': { flag: flagToken('`'), quotedWord: quotedWordToken('`') } } as const;

/** Every token type the instruction parser can meet (its vocabulary). */
export const allTokens: readonly TokenType[] = [
  WhiteSpace,
  Keyword,
  RestKeyword,
  WordsKeyword,
  QuotedKeyword,
  ...allKeywords,
  UnknownKeyword,
  Flag,
  flavours['\\'].flag,
  flavours['`'].flag,
  QuotedWord,
  flavours['\\'].quotedWord,
  flavours['`'].quotedWord,
  HealthType,
  RawText,
  Word,
];

/** The lexer definition for one escape character. */
export function lexerDefinition(escapeChar: EscapeChar): { defaultMode: string; modes: Record<string, TokenType[]> } {
  const { flag, quotedWord } = flavours[escapeChar];
  return {
    defaultMode: Mode.start,
    modes: {
      [Mode.start]: [WhiteSpace, ...allKeywords, flag, UnknownKeyword],
      [Mode.rest]: [WhiteSpace, flag, RawText],
      [Mode.words]: [WhiteSpace, flag, Word],
      [Mode.quoted]: [WhiteSpace, flag, quotedWord],
      [Mode.healthcheck]: [WhiteSpace, flag, HealthType, RawText],
      [Mode.ignore]: [WhiteSpace, flag, RawText],
    },
  };
}

const lexers = new Map<EscapeChar, InstanceType<typeof Lexer>>();

/** The lexer for `escapeChar`, built on first use and reused. */
export function instructionLexer(escapeChar: EscapeChar): InstanceType<typeof Lexer> {
  let lexer = lexers.get(escapeChar);
  if (lexer === undefined) {
    lexer = new Lexer(lexerDefinition(escapeChar), { positionTracking: 'onlyOffset', skipValidations: true });
    lexers.set(escapeChar, lexer);
  }
  return lexer;
}
