import { InvalidArgumentError } from '@kiln/errors';
import { Expander } from './expander.js';
import { ShellWordError } from './shell-word-error.js';
import type { EnvGetter, ExpandResult, ProcessResult, ShellOptions, WordsResult } from './types.js';

/**
 * BuildKit's `shell.Lex`: processes Dockerfile words with fixed
 * {@link ShellOptions}. Stateless between calls, so one instance may be
 * shared. The Dockerfile frontend makes one per file with the file's escape
 * token, and another with `skipProcessQuotes` for COPY/ADD heredoc bodies.
 *
 * @example
 * ```ts
 * const lex = new ShellLex({ escapeToken: '`' });
 * lex.processWord('${APP:-demo}-`$x', new Map([['APP', 'web']])).value; // 'web-$x'
 * ```
 */
export class ShellLex {
  /** The options every call uses. */
  readonly options: Readonly<ShellOptions>;

  constructor(options: ShellOptions = {}) {
    this.options = { ...options };
  }

  /**
   * Expands `word` and returns it both joined ({@link ExpandResult.value})
   * and split into words, with the names it looked up.
   *
   * @throws ShellWordError (code `InvalidArgument`) for bad syntax, an
   *   unsupported form, a bad pattern, or a failed `${a?msg}` / `${a:?msg}`.
   */
  process(word: string, env: EnvGetter): ProcessResult {
    const expander = new Expander(word, env, this.options);
    try {
      const { value, words } = expander.run();
      return { value, words, matched: expander.matched, unmatched: expander.unmatched };
    } catch (error) {
      if (!(error instanceof InvalidArgumentError)) throw error;
      throw new ShellWordError(word, error.message, expander.matched, expander.unmatched);
    }
  }

  /**
   * One word, quotes removed and variables expanded, spaces kept (BuildKit's
   * `ProcessWord`/`ProcessWordWithMatches`). For most instruction arguments.
   *
   * @throws ShellWordError as {@link ShellLex.process}.
   */
  processWord(word: string, env: EnvGetter): ExpandResult {
    const { value, matched, unmatched } = this.process(word, env);
    return { value, matched, unmatched };
  }

  /**
   * The expansion split into words on whitespace outside quotes, whitespace
   * from unquoted `$x` included (BuildKit's `ProcessWords`). For EXPOSE and
   * other list arguments. Empty words are dropped, so `""` gives none.
   *
   * @throws ShellWordError as {@link ShellLex.process}.
   */
  processWords(word: string, env: EnvGetter): WordsResult {
    const { words, matched, unmatched } = this.process(word, env);
    return { words, matched, unmatched };
  }
}

/** {@link ShellLex.processWord} with `options` for one call. @throws ShellWordError */
export function processWord(word: string, env: EnvGetter, options: ShellOptions = {}): ExpandResult {
  return new ShellLex(options).processWord(word, env);
}

/** {@link ShellLex.processWords} with `options` for one call. @throws ShellWordError */
export function processWords(word: string, env: EnvGetter, options: ShellOptions = {}): WordsResult {
  return new ShellLex(options).processWords(word, env);
}
