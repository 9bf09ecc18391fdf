/**
 * @packageDocumentation
 * Dockerfile text to AST with exact source ranges, directives and heredocs:
 * BuildKit's low-level parser (`frontend/dockerfile/parser`) on a chevrotain
 * grammar. `parse` is the IDE path (every error, never throws),
 * `parseDockerfile` the build path (throws the first error), `dumpDockerfile`
 * BuildKit's AST dump for conformance tests and `kiln debug parse`.
 */
export type {
  Argument,
  Comment,
  Diagnostic,
  Directive,
  Dockerfile,
  EscapeChar,
  Flag,
  Heredoc,
  Instruction,
  KeyValuePair,
  ParseWarning,
} from './ast.js';
export { parse, parseDockerfile, type ParseOptions, type ParseResult } from './parse.js';
export { dumpDockerfile, dumpInstruction } from './dump.js';
export { parseJsonArray, type JsonArrayElement, type JsonArrayResult } from './json-array.js';
export { parseHeredocWord, heredocMarkers, chompHeredocContent, type HeredocMarker, type HeredocWordResult } from './heredoc.js';
export { unquoteFlagWord, splitFlag } from './flags.js';
export { splitWords } from './words.js';
export { matchDirectiveLine, DIRECTIVE_NAMES } from './directives.js';
export { detectDirective, detectSyntax, type DetectedDirective } from './detect-directive.js';
export { goQuote, goQuoteList } from './go-quote.js';
export { NOT_STRING_ARRAY } from './ast-builder.js';
export { MAX_LINE_BYTES } from './source-lines.js';
export { serializedGrammars } from './grammar.js';
