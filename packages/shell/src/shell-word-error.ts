import { InvalidArgumentError } from '@kiln/errors';
import { goQuote } from './go-quote.js';

/**
 * A word that cannot be expanded: a syntax error (`${}`, an unterminated
 * quote or `${`), an unsupported form (`${a:=b}`, `${a:#b}`), a bad pattern,
 * or a `${a?msg}` / `${a:?msg}` check that failed. `code` is
 * `InvalidArgument`. The message is BuildKit's:
 * `failed to process "<word>": <reason>`.
 */
export class ShellWordError extends InvalidArgumentError {
  /** The word as given, before any processing. */
  readonly word: string;
  /** BuildKit's text for what went wrong, e.g. `syntax error: bad substitution` or `VAR: is not allowed to be unset`. */
  readonly reason: string;
  /** Names found before the failure (the frontend still reports them). */
  readonly matched: ReadonlySet<string>;
  /** Names looked up and unset before the failure. */
  readonly unmatched: ReadonlySet<string>;

  constructor(word: string, reason: string, matched: ReadonlySet<string>, unmatched: ReadonlySet<string>) {
    super(`failed to process ${goQuote(word)}: ${reason}`);
    this.word = word;
    this.reason = reason;
    this.matched = matched;
    this.unmatched = unmatched;
  }
}
