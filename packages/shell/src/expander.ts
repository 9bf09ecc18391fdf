import { InvalidArgumentError } from '@kiln/errors';
import { lookupEnv } from './env.js';
import { replacePattern, trimPrefix, trimSuffix } from './pattern.js';
import { CodePointScanner, EOF, runeText } from './scanner.js';
import type { EnvGetter, ShellOptions } from './types.js';
import { WordSplitter } from './word-splitter.js';

/** A failure inside one word; {@link ShellLex} wraps it with the whole word. */
function fail(reason: string): never {
  throw new InvalidArgumentError(reason);
}

const SPECIAL_PARAMS = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);
const DIGIT = /^\p{Nd}$/u;
const LETTER = /^\p{L}$/u;

/**
 * One pass over one word: BuildKit's `shellWord`. Single use; not shared
 * between words. Throws InvalidArgumentError with BuildKit's bare reason.
 */
export class Expander {
  readonly matched = new Set<string>();
  readonly unmatched = new Set<string>();
  readonly #scanner: CodePointScanner;
  readonly #env: EnvGetter;
  readonly #escape: string;
  readonly #rawQuotes: boolean;
  readonly #processQuotes: boolean;
  readonly #skipUnsetEnv: boolean;
  #rawEscapes: boolean;

  constructor(word: string, env: EnvGetter, options: ShellOptions) {
    this.#scanner = new CodePointScanner(word);
    this.#env = env;
    this.#escape = options.escapeToken ?? '\\';
    this.#rawQuotes = options.rawQuotes ?? false;
    this.#processQuotes = !(options.skipProcessQuotes ?? false);
    this.#skipUnsetEnv = options.skipUnsetEnv ?? false;
    this.#rawEscapes = options.rawEscapes ?? false;
  }

  /** Processes the whole word: the joined value and its split words. */
  run(): { value: string; words: string[] } {
    return this.#processStopOn(EOF, this.#rawEscapes);
  }

  /** Processes up to (and consuming) `stop`, or to the end when `stop` is EOF; escapes are kept when `rawEscapes`. */
  #processStopOn(stop: string | undefined, rawEscapes: boolean): { value: string; words: string[] } {
    const saved = this.#rawEscapes;
    this.#rawEscapes = rawEscapes;
    try {
      return this.#scan(stop);
    } finally {
      this.#rawEscapes = saved;
    }
  }

  #scan(stop: string | undefined): { value: string; words: string[] } {
    const scanner = this.#scanner;
    const words = new WordSplitter();
    let value = '';
    for (let ch = scanner.peek(); ch !== EOF; ch = scanner.peek()) {
      if (stop !== EOF && ch === stop) {
        scanner.next();
        return { value, words: words.finish() };
      }
      if (ch === '$') {
        const expanded = this.#processDollar();
        value += expanded;
        words.addSplitting(expanded);
        continue;
      }
      if (this.#processQuotes && (ch === "'" || ch === '"')) {
        const quoted = ch === "'" ? this.#processSingleQuote() : this.#processDoubleQuote();
        value += quoted;
        words.addRaw(quoted);
        continue;
      }
      scanner.next();
      if (ch !== this.#escape) {
        words.addChar(ch);
        value += ch;
        continue;
      }
      if (this.#rawEscapes) {
        words.addRaw(ch);
        value += ch;
      }
      // The escape character escapes anything; a trailing one is dropped.
      const escaped = scanner.next();
      if (escaped === EOF) break;
      words.addRaw(escaped);
      value += escaped;
    }
    if (stop !== EOF) fail(`unexpected end of statement while looking for matching ${stop}`);
    return { value, words: words.finish() };
  }

  #processSingleQuote(): string {
    const scanner = this.#scanner;
    const open = scanner.next() as string;
    let out = this.#rawQuotes ? open : '';
    for (;;) {
      const ch = scanner.next();
      if (ch === EOF) fail('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") return this.#rawQuotes ? out + ch : out;
      out += ch;
    }
  }

  #processDoubleQuote(): string {
    const scanner = this.#scanner;
    const open = scanner.next() as string;
    let out = this.#rawQuotes ? open : '';
    for (;;) {
      const peeked = scanner.peek();
      if (peeked === EOF) fail('unexpected end of statement while looking for matching double-quote');
      if (peeked === '"') {
        scanner.next();
        return this.#rawQuotes ? out + peeked : out;
      }
      if (peeked === '$') {
        out += this.#processDollar();
        continue;
      }
      let ch = scanner.next() as string;
      if (ch === this.#escape) {
        if (this.#rawEscapes) out += ch;
        const after = scanner.peek();
        // A trailing escape is ignored here; the loop then reports the missing quote.
        if (after === EOF) continue;
        // Inside double quotes only `"`, `$` and the escape itself can be escaped; otherwise the escape stays.
        if (after === '"' || after === '$' || after === this.#escape) ch = scanner.next() as string;
      }
      out += ch;
    }
  }

  #processDollar(): string {
    const scanner = this.#scanner;
    scanner.next();
    if (scanner.peek() !== '{') {
      const name = this.#processName();
      if (name === '') return '$';
      const value = this.#getEnv(name);
      if (value === undefined && this.#skipUnsetEnv) return '$' + name;
      return value ?? '';
    }
    scanner.next();
    const first = scanner.peek();
    if (first === EOF) fail("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') fail('syntax error: bad substitution');
    const name = this.#processName();
    let op = scanner.next();
    let opText = runeText(op);
    if (op === '}') {
      const value = this.#getEnv(name);
      if (value === undefined && this.#skipUnsetEnv) return `\${${name}}`;
      return value ?? '';
    }
    if (op === '/') return this.#processReplace(name);
    let nullIsUnset = false;
    if (op === ':') {
      nullIsUnset = true;
      op = scanner.next();
      opText += runeText(op);
    } else if (op !== '+' && op !== '-' && op !== '?' && op !== '#' && op !== '%') {
      fail(`unsupported modifier (${opText}) in substitution`);
    }
    const isPattern = op === '#' || op === '%';
    if (nullIsUnset && isPattern) fail(`unsupported modifier (${opText}) in substitution`);
    let word = this.#nested('}', isPattern, "syntax error: missing '}'");
    const value = this.#getEnv(name);
    if (value === undefined && this.#skipUnsetEnv) return `\${${name}${opText}${word}}`;
    const empty = value === undefined || (nullIsUnset && value === '');
    switch (op) {
      case '-':
        return empty ? word : (value as string);
      case '+':
        return empty ? '' : word;
      case '?':
        if (value === undefined) fail(`${name}: ${word === '' ? 'is not allowed to be unset' : word}`);
        if (empty) fail(`${name}: ${word === '' ? 'is not allowed to be empty' : word}`);
        return value;
      case '#':
      case '%': {
        const greedy = word.startsWith(op);
        if (greedy) word = word.slice(1);
        return op === '%' ? trimSuffix(word, value ?? '', greedy) : trimPrefix(word, value ?? '', greedy);
      }
      default:
        return fail(`unsupported modifier (${opText}) in substitution`);
    }
  }

  /** `${name/pattern/replacement}` and `${name//pattern/replacement}`, after the first `/`. */
  #processReplace(name: string): string {
    const all = this.#scanner.peek() === '/';
    if (all) this.#scanner.next();
    const pattern = this.#nested('/', true, "syntax error: missing '/' in ${}");
    const replacement = this.#nested('}', true, "syntax error: missing '}'");
    const value = this.#getEnv(name);
    // BuildKit prints one `/` here even for `//`.
    if (value === undefined && this.#skipUnsetEnv) return `\${${name}/${pattern}/${replacement}}`;
    return replacePattern(pattern, replacement, value ?? '', all);
  }

  /** A nested word up to `stop`; a failure at the end of input becomes `atEnd`. */
  #nested(stop: string, rawEscapes: boolean, atEnd: string): string {
    try {
      return this.#processStopOn(stop, rawEscapes).value;
    } catch (error) {
      if (error instanceof InvalidArgumentError && this.#scanner.peek() === EOF) fail(atEnd);
      throw error;
    }
  }

  /** A name: letters, digits and `_`; a leading digit run alone; or one special parameter. */
  #processName(): string {
    const scanner = this.#scanner;
    let name = '';
    for (let ch = scanner.peek(); ch !== EOF; ch = scanner.peek()) {
      if (name === '' && DIGIT.test(ch)) {
        while (scanner.peek() !== EOF && DIGIT.test(scanner.peek() as string)) name += scanner.next();
        return name;
      }
      if (name === '' && SPECIAL_PARAMS.has(ch)) return scanner.next() as string;
      if (!LETTER.test(ch) && !DIGIT.test(ch) && ch !== '_') break;
      name += scanner.next();
    }
    return name;
  }

  #getEnv(name: string): string | undefined {
    const value = lookupEnv(this.#env, name);
    (value === undefined ? this.unmatched : this.matched).add(name);
    return value;
  }
}
