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
 *
 * Several lines can be lexed in one call, each ended by `\n` (which a joined
 * line never contains): a line end is skipped like a blank but returns to the
 * start mode, and no other token crosses a `\n`, so every line lexes as it
 * would alone, except that a line's first word sees the previous line's last
 * token (see `parseInstructionLines` for how that is caught). The
 * `wordsOfText` mode splits arbitrary text, where `\n` is an ordinary character.
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
  wordsOfText: 'wordsOfText',
} as const;

/** BuildKit's `reWhitespace` (`[\t\v\f\r ]+`), the separator of instruction words. */
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\v\f\r]+/, group: Lexer.SKIPPED });

/** Which family an instruction keyword belongs to (lower-cased keyword → family). */
const KEYWORD_FAMILY: ReadonlyMap<string, string> = new Map([
  ...['run', 'cmd', 'entrypoint', 'shell', 'maintainer', 'user', 'workdir', 'stopsignal'].map((k) => [k, Mode.rest] as const),
  ...['from', 'expose', 'add', 'copy', 'volume'].map((k) => [k, Mode.words] as const),
  ...['arg', 'env', 'label'].map((k) => [k, Mode.quoted] as const),
  ['healthcheck', Mode.healthcheck] as const,
  ['onbuild', 'onbuild'] as const,
]);

/** The instruction keywords BuildKit knows, lower-cased. */
export const KEYWORDS: readonly string[] = [...KEYWORD_FAMILY.keys()];

/** The keywords by length, for comparing an ASCII word with them in place. */
const KEYWORDS_BY_LENGTH: readonly (readonly string[])[] = Array.from({ length: 12 }, (_, n) => KEYWORDS.filter((k) => k.length === n));

/**
 * The family of the word `text[offset, end)`, as `KEYWORD_FAMILY.get(word.toLowerCase())`
 * says, without making the word: an ASCII word is compared in place (upper-case letters
 * folded); any other character takes the slow path, since `toLowerCase` maps some of them
 * to ASCII letters (the Kelvin sign to `k`).
 */
function keywordFamily(text: string, offset: number, end: number): string | undefined {
  const n = end - offset;
  if (n > 11) return undefined;
  for (const keyword of KEYWORDS_BY_LENGTH[n]!) {
    let i = 0;
    for (; i < n; i++) {
      let c = text.charCodeAt(offset + i);
      if (c >= 128) return KEYWORD_FAMILY.get(text.slice(offset, end).toLowerCase());
      if (c >= 65 && c <= 90) c += 32;
      if (c !== keyword.charCodeAt(i)) break;
    }
    if (i === n) return KEYWORD_FAMILY.get(keyword);
  }
  // No keyword of this length matched; a non-ASCII character could still fold into one.
  for (let i = 0; i < n; i++) if (text.charCodeAt(offset + i) >= 128) return KEYWORD_FAMILY.get(text.slice(offset, end).toLowerCase());
  return undefined;
}

// The keyword tokens all classify the same first word; remember the last answer so it is computed once.
let memoText = '';
let memoOffset = -1;
let memoEnd = 0;
let memoFamily: string | undefined;

function classifyWord(text: string, offset: number): string | undefined {
  if (offset !== memoOffset || text !== memoText) {
    let end = offset;
    while (end < text.length && !isWordEnd(text.charCodeAt(end))) end++;
    memoText = text;
    memoOffset = offset;
    memoEnd = end;
    memoFamily = keywordFamily(text, offset, end);
  }
  return memoFamily;
}

/** A token for the first word of an instruction when it is a keyword of `family` (or, for undefined, no keyword). */
function keywordToken(name: string, family: string | undefined, categories: TokenType[], pushMode: string | undefined): TokenType {
  return createToken({
    name,
    pattern: {
      exec(text: string, offset: number): [string] | null {
        if (classifyWord(text, offset) !== family || memoEnd === offset) return null;
        return [text.slice(offset, memoEnd)];
      },
    },
    line_breaks: false,
    categories,
    ...(pushMode === undefined ? {} : { push_mode: pushMode }),
  });
}

/** Every instruction keyword. */
export const Keyword = createToken({ name: 'Keyword', pattern: Lexer.NA });
/** RUN, CMD, ENTRYPOINT, SHELL, MAINTAINER, USER, WORKDIR, STOPSIGNAL: the arguments are one raw text. */
export const RestKeyword = keywordToken('RestKeyword', Mode.rest, [Keyword], Mode.rest);
/** FROM, EXPOSE, ADD, COPY, VOLUME: whitespace-separated words. */
export const WordsKeyword = keywordToken('WordsKeyword', Mode.words, [Keyword], Mode.words);
/** ARG, ENV, LABEL: quote-aware words. */
export const QuotedKeyword = keywordToken('QuotedKeyword', Mode.quoted, [Keyword], Mode.quoted);
/** HEALTHCHECK: a type word, then maybe-JSON text. */
export const Healthcheck = keywordToken('Healthcheck', Mode.healthcheck, [Keyword], Mode.healthcheck);
/** ONBUILD stays in the start mode: after its flags comes another instruction. */
export const Onbuild = keywordToken('Onbuild', 'onbuild', [Keyword], undefined);
/** The first word of a line when it is not a known keyword (BuildKit accepts it; the instruction layer rejects it). */
export const UnknownKeyword = keywordToken('UnknownKeyword', undefined, [], Mode.ignore);

/** The rest of the line (up to the `\n` that ends it in a batch), trailing blanks excluded. */
export const RawText = createToken({
  name: 'RawText',
  pattern: {
    exec(text: string, offset: number): [string] | null {
      let end = text.indexOf('\n', offset);
      if (end === -1) end = text.length;
      while (end > offset && isBlank(text.charCodeAt(end - 1))) end--;
      return end > offset ? [text.slice(offset, end)] : null;
    },
  },
  line_breaks: false,
});

/** A word up to the next blank; quotes are ordinary characters. */
export const Word = createToken({ name: 'Word', pattern: /[^ \t\v\f\r\n]+/ });

// The end of a line in a batch: skipped, as a token per line would cost the lexer and the parser
// as much as a word. In an argument mode it returns to the start mode for the next line.
const LineEndInStart = createToken({ name: 'LineEndInStart', pattern: '\n', line_breaks: true, group: Lexer.SKIPPED });
const LineEndInArguments = createToken({ name: 'LineEndInArguments', pattern: '\n', line_breaks: true, group: Lexer.SKIPPED, pop_mode: true });

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13;
}

/** A blank, or the `\n` that ends a line in a batch. */
function isWordEnd(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13 || c === 10;
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
  const pattern = new RegExp(`--(?:[^ \\t\\v\\f\\r\\n"'${e}]|${e}[^\\n]?|"(?:[^"${e}\\n]|${e}[^\\n]?)*"?|'(?:[^'${e}\\n]|${e}[^\\n]?)*'?)*`, 'y');
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

/**
 * @param newline - `\n` is an ordinary character (the `wordsOfText` mode), or it ends the word (lines of a batch).
 */
function quotedWordToken(escapeChar: EscapeChar, newline: boolean): TokenType {
  const e = re(escapeChar);
  const nl = newline ? '' : '\\n';
  const any = newline ? '[^]' : '[^\\n]';
  // Inside '…' the escape character is ordinary; alternatives are disjoint by first character.
  const pattern = new RegExp(`(?:[^ \\t\\v\\f\\r${nl}"'${e}]|${e}${any}?|"(?:[^"${e}${nl}]|${e}${any}?)*"?|'[^'${nl}]*'?)+`);
  const name = `${newline ? 'TextWord' : 'QuotedWord'}${escapeChar === '\\' ? 'Backslash' : 'Backtick'}`;
  return createToken({ name, pattern, categories: [QuotedWord] });
}

/** The type word of HEALTHCHECK (`CMD`, `NONE`, anything), right after the keyword and its flags. */
export const HealthType = createToken({
  name: 'HealthType',
  pattern: {
    exec(text: string, offset: number, tokens: IToken[]): [string] | null {
      const prev = tokens[tokens.length - 1];
      if (prev === undefined || !(prev.tokenType === Healthcheck || tokenMatcher(prev, Flag))) return null;
      let end = offset;
      while (end < text.length && !isWordEnd(text.charCodeAt(end))) end++;
      return end > offset ? [text.slice(offset, end)] : null;
    },
  },
  line_breaks: false,
});

/** The keyword tokens, in lexing order. */
export const allKeywords: readonly TokenType[] = [RestKeyword, WordsKeyword, QuotedKeyword, Healthcheck, Onbuild];

function flavour(escapeChar: EscapeChar): { flag: TokenType; quotedWord: TokenType; textWord: TokenType } {
  return { flag: flagToken(escapeChar), quotedWord: quotedWordToken(escapeChar, false), textWord: quotedWordToken(escapeChar, true) };
}

const flavours = { '\\': flavour('\\'), '`': flavour('`') } as const;

/** Every token type the instruction parser can meet (its vocabulary). */
export const allTokens: readonly TokenType[] = [
  WhiteSpace,
  Keyword,
  ...allKeywords,
  UnknownKeyword,
  Flag,
  flavours['\\'].flag,
  flavours['`'].flag,
  QuotedWord,
  flavours['\\'].quotedWord,
  flavours['`'].quotedWord,
  flavours['\\'].textWord,
  flavours['`'].textWord,
  HealthType,
  RawText,
  Word,
  LineEndInStart,
  LineEndInArguments,
];

/** The lexer definition for one escape character. */
export function lexerDefinition(escapeChar: EscapeChar): { defaultMode: string; modes: Record<string, TokenType[]> } {
  const { flag, quotedWord, textWord } = flavours[escapeChar];
  const end = LineEndInArguments;
  return {
    defaultMode: Mode.start,
    modes: {
      [Mode.start]: [WhiteSpace, LineEndInStart, ...allKeywords, flag, UnknownKeyword],
      [Mode.rest]: [WhiteSpace, end, flag, RawText],
      [Mode.words]: [WhiteSpace, end, flag, Word],
      [Mode.quoted]: [WhiteSpace, end, flag, quotedWord],
      [Mode.healthcheck]: [WhiteSpace, end, flag, HealthType, RawText],
      [Mode.ignore]: [WhiteSpace, end, flag, RawText],
      [Mode.wordsOfText]: [WhiteSpace, textWord],
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
