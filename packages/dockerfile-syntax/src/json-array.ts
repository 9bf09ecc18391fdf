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
  // Any lexing error means "not JSON", so the lexer stops at the first instead of recovering.
  shared ??= { lexer: new Lexer(jsonTokens, { positionTracking: 'onlyOffset', skipValidations: true, recoveryEnabled: false }), parser: new JsonArrayParser() };
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
function nestingDepth(tokens: readonly IToken[]): number {
  let depth = 0;
  let max = 0;
  const last = tokens.length - 1;
  for (let i = 0; i <= last; i++) {
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

/**
 * Reads `text` (left-trimmed by the caller or not) as BuildKit's exec form.
 * Offsets in the result index `text`. Never throws.
 */
export function parseJsonArray(text: string): JsonArrayResult {
  let start = 0;
  while (start < text.length && (text[start] === ' ' || text[start] === '\t' || text[start] === '\n' || text[start] === '\r')) start++;
  if (text[start] !== '[') return NOT_JSON;
  const { lexer, parser } = jsonGrammar();
  const lexed = lexer.tokenize(text);
  if (lexed.errors.length > 0) return NOT_JSON;
  const depth = nestingDepth(lexed.tokens);
  if (depth < 0 || depth > MAX_DEPTH) return NOT_JSON;
  if (depth > GRAMMAR_DEPTH) return deepArray(text, lexed.tokens);
  parser.input = lexed.tokens;
  const cst = parser.array();
  if (parser.errors.length > 0) return NOT_JSON;
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
    return { kind: 'notStrings', element: { value: undefined, start: other.startOffset, end: other.startOffset + other.image.length } };
  }
  const strings = (cst.children['StringLiteral'] ?? []) as IToken[];
  const elements: JsonArrayElement[] = [];
  for (const str of strings) elements.push({ value: stringValue(str.image), start: str.startOffset, end: str.startOffset + str.image.length });
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

/** A very deeply nested but lexically valid array: the native parser decides validity; the element range is the whole array. */
function deepArray(text: string, tokens: readonly IToken[]): JsonArrayResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
  if (!Array.isArray(parsed)) return NOT_JSON;
  const first = tokens[0];
  const last = tokens[tokens.length - 1];
  const start = first?.startOffset ?? 0;
  return { kind: 'notStrings', element: { value: undefined, start, end: last === undefined ? start : last.startOffset + last.image.length } };
}
