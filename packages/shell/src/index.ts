/**
 * @packageDocumentation
 * BuildKit's shell word processing (`frontend/dockerfile/shell`): quote
 * removal, escapes, `$name` / `${name…}` expansion with the modifiers
 * `- + ? # ## % %% / //` (and their `:` forms where BuildKit has them), word
 * splitting, and a record of which variables were found and which were not.
 * RUN/CMD/ENTRYPOINT text is never passed through here: their shell does it.
 */
export type {
  EnvGetter,
  EscapeToken,
  ShellOptions,
  VariableUse,
  ExpandResult,
  WordsResult,
  ProcessResult,
} from './types.js';
export { ShellLex, processWord, processWords } from './shell-lex.js';
export { envFromList } from './env.js';
export { ShellWordError } from './shell-word-error.js';
export { shellPatternToRegex, reverseShellPattern, type ShellPatternRegex } from './pattern.js';
