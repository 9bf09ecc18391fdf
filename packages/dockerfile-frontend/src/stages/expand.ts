/**
 * The one place the instruction layer expands variables: FROM's base and
 * `--platform`, and global ARG defaults, with `@kiln/shell`.
 */
import { processWord, type EscapeToken } from '@kiln/shell';

/** An expanded word and the variables it looked up (for the UndefinedArgInFrom check). */
export interface ExpandedWord {
  readonly value: string;
  /** Names found in scope. */
  readonly matched: readonly string[];
  /** Names looked up and not set. */
  readonly unmatched: readonly string[];
}

/** Expands `word` with `env` (quote removal, `$x`, `${x…}`); throws the shell's error for a bad word. */
export function expandWord(word: string, env: ReadonlyMap<string, string>, escapeToken: EscapeToken): ExpandedWord {
  const result = processWord(word, env, { escapeToken });
  return { value: result.value, matched: [...result.matched], unmatched: [...result.unmatched] };
}
