/**
 * Where `$name` lookups go. Either a map (keys compared exactly, as BuildKit
 * does on Linux) or a function that returns `undefined` for an unset name.
 * A name mapped to `''` is *set and empty*, which `${a-b}` and `${a:-b}` tell
 * apart. Build one from a `KEY=VALUE` list with {@link envFromList}.
 */
export type EnvGetter = ReadonlyMap<string, string> | ((name: string) => string | undefined);

/** The two escape characters a Dockerfile's `# escape=` directive allows. */
export type EscapeToken = '\\' | '`';

/**
 * How a word is processed. Every flag mirrors a field of BuildKit's
 * `shell.Lex`; all default to `false`, which is what the Dockerfile frontend
 * uses for instruction arguments.
 */
export interface ShellOptions {
  /** The escape character, from `# escape=`. Default `\`. Inside `${…}` patterns only `\` escapes `*`, `?`, `\`, `}` and `/`, whatever this is. */
  readonly escapeToken?: EscapeToken;
  /** Keep `'` and `"` in the result (their contents are still processed). BuildKit's `RawQuotes`. */
  readonly rawQuotes?: boolean;
  /** Keep each escape character in the result beside the character it escapes. BuildKit's `RawEscapes`. */
  readonly rawEscapes?: boolean;
  /**
   * Treat `'` and `"` as ordinary characters: no quote removal, `$` expands
   * everywhere. BuildKit's `SkipProcessQuotes`, used (with `\` as escape) to
   * expand COPY/ADD heredoc bodies (H-07), which are file contents, not words.
   * BuildKit uses `\` as the escape there whatever `# escape=` says, and the
   * escape still works: `\$x` gives `$x`, `\\` gives `\`, and `\` before a
   * newline drops the backslash.
   */
  readonly skipProcessQuotes?: boolean;
  /**
   * Leave a reference to an unset variable as written (`$x`, `${x}`,
   * `${x:-w}` with `w` processed, `${x/p/r}`) instead of expanding it.
   * BuildKit's `SkipUnsetEnv`.
   */
  readonly skipUnsetEnv?: boolean;
}

/** What one expansion looked up. Names are exactly as written (`1`, `@` included). */
export interface VariableUse {
  /** Names looked up and found in the env (even if found empty). */
  readonly matched: ReadonlySet<string>;
  /** Names looked up and not set: the input to the UndefinedVar check. */
  readonly unmatched: ReadonlySet<string>;
}

/** {@link processWord}'s result: the word with quotes removed and variables expanded. */
export interface ExpandResult extends VariableUse {
  readonly value: string;
}

/** {@link processWords}'s result: the expansion split into words. */
export interface WordsResult extends VariableUse {
  /** Non-empty words, split on whitespace outside quotes (including whitespace that came from an unquoted `$x`). */
  readonly words: string[];
}

/** Both views of one processed word, as BuildKit's `ProcessWordResult` holds them. */
export interface ProcessResult extends ExpandResult {
  readonly words: string[];
}
