/**
 * The exec (JSON array) form, as a small chevrotain grammar of JSON. BuildKit
 * decides "exec form or not" by trying `json.Unmarshal` into `[]any`: text that
 * is not a JSON array falls back to the shell form, while a valid JSON array
 * that holds anything but strings is an error. This grammar answers the same
 * three ways, with the offset of every element.
 */
import type { CstNode, IOrAlt, IToken } from 'chevrotain';
import { chevrotain } from './chevrotain-runtime.js';

const { createToken, Lexer, CstParser } = chevrotain;

const WhiteSpace = createToken({ name: 'JsonWhiteSpace', pattern: /[ \t\n\r]+/, group: Lexer.SKIPPED });
const LBracket = createToken({ name: 'LBracket', pattern: '[' });
const RBracket = createToken({ name: 'RBracket', pattern: ']' });
const LCurly = createToken({ name: 'LCurly', pattern: '{' });
const RCurly = createToken({ name: 'RCurly', pattern: '}' });
const Comma = createToken({ name: 'Comma', pattern: ',' });
const Colon = createToken({ name: 'Colon', pattern: ':' });
const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/ });
const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/ });
const True = createToken({ name: 'True', pattern: 'true' });
const False = createToken({ name: 'False', pattern: 'false' });
const Null = createToken({ name: 'Null', pattern: 'null' });

/** The JSON token vocabulary. */
export const jsonTokens = [WhiteSpace, LBracket, RBracket, LCurly, RCurly, Comma, Colon, StringLiteral, NumberLiteral, True, False, Null];

/** Go's encoding/json gives up beyond this depth; deeper input is "not JSON" there too. */
const MAX_DEPTH = 10000;
/** Beyond this depth the recursive grammar would risk the call stack; the native parser decides instead. */
const GRAMMAR_DEPTH = 200;

/**
 * The JSON grammar: an array at the top, any JSON value inside. An array's
 * elements are alternatives right in `array` rather than `value` nodes: exec
 * forms are arrays of strings, and a rule invocation per element would cost
 * more than the element's token.
 */
export class JsonArrayParser extends CstParser {
  /** @param validate - run chevrotain's grammar validations (a test does; the shared instance skips them for start-up time). */
  constructor(validate = false) {
    super(jsonTokens, { recoveryEnabled: false, maxLookahead: 1, skipValidations: !validate });
    this.performSelfAnalysis();
  }

  // Alternatives built once (chevrotain's advice for hot `OR`s), not per element.
  #elements: IOrAlt<void>[] | undefined;
  #values: IOrAlt<void>[] | undefined;

  array = this.RULE('array', () => {
    this.CONSUME(LBracket);
    this.MANY_SEP({ SEP: Comma, DEF: () => this.OR((this.#elements ??= this.#valueAlternatives())) });
    this.CONSUME(RBracket);
  });

  object = this.RULE('object', () => {
    this.CONSUME(LCurly);
    this.MANY_SEP({
      SEP: Comma,
      DEF: () => {
        this.CONSUME(StringLiteral);
        this.CONSUME(Colon);
        this.SUBRULE(this.value);
      },
    });
    this.CONSUME(RCurly);
  });

  value = this.RULE('value', () => {
    this.OR((this.#values ??= this.#valueAlternatives()));
  });

  /** Several arrays one after the other (the texts of {@link parseJsonArrays}). */
  arrays = this.RULE('arrays', () => {
    this.MANY(() => this.SUBRULE(this.array));
  });

  /** Any JSON value, one alternative each (a list per rule that uses them). */
  #valueAlternatives(): IOrAlt<void>[] {
    return [
      { ALT: () => this.CONSUME(StringLiteral) },
      { ALT: () => this.CONSUME(NumberLiteral) },
      { ALT: () => this.SUBRULE(this.object) },
      { ALT: () => this.SUBRULE(this.array) },
      { ALT: () => this.CONSUME(True) },
      { ALT: () => this.CONSUME(False) },
      { ALT: () => this.CONSUME(Null) },
    ];
  }
}

let shared: { lexer: InstanceType<typeof Lexer>; parser: JsonArrayParser } | undefined;

function jsonGrammar(): { lexer: InstanceType<typeof Lexer>; parser: JsonArrayParser } {
  // The lexer recovers from errors so that, in a batch of texts, one text's error leaves the others lexed.
  shared ??= { lexer: new Lexer(jsonTokens, { positionTracking: 'onlyOffset', skipValidations: true }), parser: new JsonArrayParser() };
  return shared;
}

/** One element of a JSON array, with its place in the parsed text. */
export interface JsonArrayElement {
  /** The decoded string, or undefined when the element is not a string. */
  readonly value: string | undefined;
  /** Offset of the element's first character in the text (0-based). */
  readonly start: number;
  /** Offset just after its last character (exclusive). */
  readonly end: number;
}

/**
 * The outcome of reading text as a JSON array:
 * - `strings`: an array of strings (the exec form);
 * - `notStrings`: a valid JSON array with some other value, which BuildKit rejects;
 * - `notJson`: anything else, which falls back to the shell form.
 */
export type JsonArrayResult =
  | { readonly kind: 'strings'; readonly elements: readonly JsonArrayElement[] }
  | { readonly kind: 'notStrings'; readonly element: JsonArrayElement }
  | { readonly kind: 'notJson' };

const NOT_JSON: JsonArrayResult = { kind: 'notJson' };

/**
 * The deepest nesting of brackets and braces, or -1 when they cannot form one
 * JSON value: a closer without its opener, an opener never closed, or the
 * outermost value closed before the last token. Such text is not JSON, and
 * knowing it here spares the parser an exception.
 */
function nestingDepth(tokens: readonly IToken[], from = 0, to = tokens.length): number {
  let depth = 0;
  let max = 0;
  const last = to - 1;
  for (let i = from; i <= last; i++) {
    const type = tokens[i]!.tokenType;
    if (type === LBracket || type === LCurly) {
      if (++depth > max) max = depth;
    } else if (type === RBracket || type === RCurly) {
      if (--depth < 0 || (depth === 0 && i !== last)) return -1;
    }
  }
  return depth === 0 ? max : -1;
}

/** The decoded value of a string token; only escapes need JSON.parse. */
function stringValue(image: string): string {
  return image.includes('\\') ? (JSON.parse(image) as string) : image.slice(1, -1);
}

/** The element names of an array's CST that are not strings, in the order `notStrings` looks for them. */
const OTHER_ELEMENTS = ['NumberLiteral', 'object', 'array', 'True', 'False', 'Null'] as const;

/** True when the first character after JSON whitespace is `[`: only then can `text` be an exec form. */
function opensArray(text: string): boolean {
  let start = 0;
  while (start < text.length && (text[start] === ' ' || text[start] === '\t' || text[start] === '\n' || text[start] === '\r')) start++;
  return text[start] === '[';
}

/**
 * Reads `text` (left-trimmed by the caller or not) as BuildKit's exec form.
 * Offsets in the result index `text`. Never throws.
 */
export function parseJsonArray(text: string): JsonArrayResult {
  if (!opensArray(text)) return NOT_JSON;
  const { lexer, parser } = jsonGrammar();
  const lexed = lexer.tokenize(text);
  if (lexed.errors.length > 0) return NOT_JSON;
  const tokens = lexed.tokens;
  const depth = nestingDepth(tokens);
  if (depth < 0 || depth > MAX_DEPTH) return NOT_JSON;
  if (depth > GRAMMAR_DEPTH) return deepArray(text, tokens[0], tokens[tokens.length - 1], 0);
  parser.input = tokens;
  const cst = parser.array();
  return parser.errors.length > 0 ? NOT_JSON : arrayResult(cst, 0);
}

/**
 * Reads each of `texts` as {@link parseJsonArray} does, with one chevrotain
 * lexer call and, unless one of them fails to parse, one parser call for all:
 * their fixed cost per call is most of the cost of a short array. Returns one
 * result per text, in order. Never throws.
 */
export function parseJsonArrays(texts: readonly string[]): JsonArrayResult[] {
  const results = texts.map(() => NOT_JSON);
  const which: number[] = [];
  const parts: string[] = [];
  const starts: number[] = [];
  let length = 0;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    if (!opensArray(text)) continue;
    which.push(i);
    parts.push(text);
    starts.push(length);
    length += text.length + 1;
  }
  if (which.length < 2) {
    for (const i of which) results[i] = parseJsonArray(texts[i]!);
    return results;
  }
  // No token spans the `\n` between two texts, and the lexer resyncs on it after an error in one.
  const { lexer, parser } = jsonGrammar();
  const lexed = lexer.tokenize(parts.join('\n'));
  const tokens = lexed.tokens;
  const ranges: [number, number, number][] = []; // [text, first token, end token] of the texts to parse
  const group: IToken[] = [];
  let t = 0;
  let e = 0;
  for (let k = 0; k < parts.length; k++) {
    const end = starts[k]! + parts[k]!.length;
    const from = t;
    while (t < tokens.length && tokens[t]!.startOffset < end) t++;
    let failed = false;
    while (e < lexed.errors.length && lexed.errors[e]!.offset < end) {
      failed = true;
      e++;
    }
    if (failed) continue;
    const depth = nestingDepth(tokens, from, t);
    if (depth < 0 || depth > MAX_DEPTH) continue;
    if (depth > GRAMMAR_DEPTH) {
      results[which[k]!] = deepArray(parts[k]!, tokens[from], tokens[t - 1], starts[k]!);
      continue;
    }
    ranges.push([k, from, t]);
    for (let i = from; i < t; i++) group.push(tokens[i]!);
  }
  if (ranges.length === 0) return results;
  parser.input = group;
  const cst = parser.arrays();
  const arrays = parser.errors.length > 0 ? undefined : (cst.children['array'] as CstNode[] | undefined);
  if (arrays !== undefined && arrays.length === ranges.length) {
    ranges.forEach(([k], n) => (results[which[k]!] = arrayResult(arrays[n]!, starts[k]!)));
    return results;
  }
  // One of them is not JSON after all: parse each alone, from its tokens.
  for (const [k, from, to] of ranges) {
    parser.input = tokens.slice(from, to);
    const one = parser.array();
    results[which[k]!] = parser.errors.length > 0 ? NOT_JSON : arrayResult(one, starts[k]!);
  }
  return results;
}

/** The result for a parsed `array` node whose text starts at `base` in the lexed text. */
function arrayResult(cst: CstNode, base: number): JsonArrayResult {
  // The first element that is not a string, if any (the one that starts first), located by its first token.
  // TODO(range): an array or object element is reported by its opening bracket only, as before; its whole extent would be better.
  let other: IToken | undefined;
  for (const name of OTHER_ELEMENTS) {
    for (const element of cst.children[name] ?? []) {
      const first = 'image' in element ? element : firstToken(element);
      if (first !== undefined && (other === undefined || first.startOffset < other.startOffset)) other = first;
    }
  }
  if (other !== undefined) {
    const start = other.startOffset - base;
    return { kind: 'notStrings', element: { value: undefined, start, end: start + other.image.length } };
  }
  const strings = (cst.children['StringLiteral'] ?? []) as IToken[];
  const elements: JsonArrayElement[] = [];
  for (const str of strings) {
    const start = str.startOffset - base;
    elements.push({ value: stringValue(str.image), start, end: start + str.image.length });
  }
  return { kind: 'strings', elements };
}

function firstToken(node: CstNode): IToken | undefined {
  let best: IToken | undefined;
  for (const list of Object.values(node.children)) {
    for (const child of list) {
      const tok = 'image' in child ? child : firstToken(child);
      if (tok !== undefined && (best === undefined || tok.startOffset < best.startOffset)) best = tok;
    }
  }
  return best;
}

/**
 * A very deeply nested but lexically valid array, from its `first` to `last`
 * token (offsets from `base`): the native parser decides validity; the element
 * range is the whole array.
 */
function deepArray(text: string, first: IToken | undefined, last: IToken | undefined, base: number): JsonArrayResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
  if (!Array.isArray(parsed)) return NOT_JSON;
  const start = first === undefined ? 0 : first.startOffset - base;
  return { kind: 'notStrings', element: { value: undefined, start, end: last === undefined ? start : last.startOffset - base + last.image.length } };
}
