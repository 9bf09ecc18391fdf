/** Word splitting shared by ARG, ENV and LABEL (BuildKit's `parseWords`). */
import type { EscapeChar } from './ast.js';
import { instructionLexer, Mode } from './tokens.js';

/**
 * BuildKit's `parseWords`: splits on blanks outside quotes and keeps quote and
 * escape characters in the words. Uses the instruction lexer's `wordsOfText`
 * mode, the splitting the parser applies to ARG, ENV and LABEL (its `quoted`
 * mode) except that `\n` is an ordinary character here.
 */
export function splitWords(text: string, escapeChar: EscapeChar = '\\'): string[] {
  return instructionLexer(escapeChar).tokenize(text, Mode.wordsOfText).tokens.map((t) => t.image);
}
