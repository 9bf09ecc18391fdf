/** Word splitting shared by ARG, ENV and LABEL (BuildKit's `parseWords`). */
import type { EscapeChar } from './ast.js';
import { instructionLexer, Mode } from './tokens.js';

/**
 * BuildKit's `parseWords`: splits on blanks outside quotes and keeps quote and
 * escape characters in the words. Uses the instruction lexer's `quoted` mode,
 * so it is the same splitting the parser applies to ARG, ENV and LABEL.
 */
export function splitWords(text: string, escapeChar: EscapeChar = '\\'): string[] {
  return instructionLexer(escapeChar).tokenize(text, Mode.quoted).tokens.map((t) => t.image);
}
