/**
 * The Dockerfile syntax tree: what the text says, with exact source ranges,
 * before any variable is expanded or any instruction is checked for meaning.
 * It mirrors BuildKit's `parser.Node` (value, next, flags, heredocs, original,
 * start/end line, previous comments) so that BuildKit's AST dump can be
 * printed from it, and adds ranges for every part.
 *
 * Every range is 1-based with an inclusive end (see `SourceRange` in
 * `@kiln/errors`), measured in the original text: a range of something on a
 * continuation line points at that physical line.
 */
import type { SourceRange } from '@kiln/errors';

/** The escape character: `\` by default, or a backtick set by `# escape=`. */
export type EscapeChar = '\\' | '`';

/** A whole parsed Dockerfile. */
export interface Dockerfile {
  /** The escape character in force (from the `escape` directive, default `\`). */
  readonly escapeChar: EscapeChar;
  /** Parser directives at the top of the file, in order. */
  readonly directives: readonly Directive[];
  /** Top-level instructions in file order. */
  readonly instructions: readonly Instruction[];
  /** Every comment line of the file, in order (directives are not comments). */
  readonly comments: readonly Comment[];
  /** Non-fatal findings of the parser, such as empty continuation lines. */
  readonly warnings: readonly ParseWarning[];
}

/** A parser directive such as `# syntax=docker/dockerfile:1`. */
export interface Directive {
  /** The key, lower-cased: `syntax`, `escape` or `check`. */
  readonly name: string;
  /** The value, trimmed, case kept. */
  readonly value: string;
  /** The whole directive line. */
  readonly range: SourceRange;
  /** Just the value. */
  readonly valueRange: SourceRange;
}

/** A comment line. */
export interface Comment {
  /** The text after `#`, with one leading space removed if present, trailing blanks removed. */
  readonly text: string;
  /** The whole comment, from `#` to the last non-blank character. */
  readonly range: SourceRange;
}

/**
 * A `--name[=value]` flag word at the start of an instruction's arguments.
 * Quotes have been removed and escapes applied, as BuildKit does.
 */
export interface Flag {
  /** The flag word after quote removal, e.g. `--mount=type=cache,target=/x`. */
  readonly text: string;
  /** The name without dashes, e.g. `mount`. */
  readonly name: string;
  /** The text after the first `=`, or `undefined` when there is no `=` (a bare boolean flag). */
  readonly value: string | undefined;
  /** The flag word as written. */
  readonly range: SourceRange;
}

/** One argument, in BuildKit's sense (one element of `Node.Next`). */
export interface Argument {
  /** The argument's text. JSON strings are decoded; shell-form text is kept verbatim. */
  readonly value: string;
  /**
   * Where it stands in the source. For a value that is not a contiguous piece of
   * source (an ENV/LABEL separator, an empty placeholder argument), the range of
   * the nearest source text it came from.
   */
  readonly range: SourceRange;
}

/** One `key=value` (or legacy `key value`) pair of ENV or LABEL. */
export interface KeyValuePair {
  readonly key: Argument;
  readonly value: Argument;
  /** `=` for the modern form, `` for the legacy `ENV key value` form. */
  readonly separator: '=' | '';
}

/** A here-document attached to a RUN, COPY or ADD instruction. */
export interface Heredoc {
  /** The terminator word with quotes removed, e.g. `EOF`. */
  readonly name: string;
  /** False when any part of the word was quoted (`<<'EOF'`): the body is not expanded. */
  readonly expand: boolean;
  /** True for `<<-`: leading tabs are stripped from body lines and the terminator. */
  readonly chomp: boolean;
  /** The file descriptor written before `<<` (`3<<EOF`), if any. */
  readonly fileDescriptor: number | undefined;
  /**
   * The body as BuildKit's parser gives it: every line ending in `\n` (`\r\n` becomes `\n`), terminator
   * excluded. Leading tabs are NOT stripped here even for `<<-`: consumers apply `chompHeredocContent`,
   * as BuildKit's later layers do.
   */
  readonly content: string;
  /** The marker in the instruction line, e.g. `<<-"EOF"`. */
  readonly markerRange: SourceRange;
  /** The body lines, from the first character of the first line to the end of the last (absent for an empty body). */
  readonly bodyRange: SourceRange | undefined;
  /** The terminator line. */
  readonly terminatorRange: SourceRange;
}

/** One instruction, possibly spread over several lines by continuations. */
export interface Instruction {
  /** The keyword as written, e.g. `FrOm`. */
  readonly keyword: string;
  /** The keyword lower-cased, e.g. `from`; BuildKit's `Node.Value`. */
  readonly name: string;
  /** Leading `--` flag words, in order. */
  readonly flags: readonly Flag[];
  /** Arguments in BuildKit's order (for ENV and LABEL: key, value, separator triples). */
  readonly args: readonly Argument[];
  /** For ENV and LABEL: the pairs, which `args` spells as triples; otherwise empty. */
  readonly pairs: readonly KeyValuePair[];
  /** True when the arguments were given in JSON (exec) form. */
  readonly json: boolean;
  /**
   * The instruction's text with continuations joined, as BuildKit's `Node.Original`: the whole joined
   * line (leading blanks removed) for a top-level instruction, the trimmed rest for ONBUILD's instruction.
   */
  readonly original: string;
  /** Here-documents, in the order their markers appear (for ONBUILD, on both it and its instruction). */
  readonly heredocs: readonly Heredoc[];
  /**
   * The comments since the previous instruction (BuildKit's `PrevComment`: blank lines do not break the
   * block, an empty `#` line clears it), used for doc comments. Directives are not included.
   */
  readonly comments: readonly Comment[];
  /** For ONBUILD: the instruction it wraps. */
  readonly child: Instruction | undefined;
  /** From the first character of the keyword to the last character of the instruction (heredoc terminators included). */
  readonly range: SourceRange;
  /** Just the keyword. */
  readonly keywordRange: SourceRange;
}

/** A finding that does not stop parsing. */
export interface ParseWarning {
  /** A stable short name, e.g. `NoEmptyContinuation`. */
  readonly code: string;
  /** BuildKit's short text, e.g. `Empty continuation line found in: RUN a b`. */
  readonly message: string;
  /** BuildKit's longer explanation, when it has one. */
  readonly detail?: string;
  /** The documentation page of the finding, when there is one. */
  readonly url?: string;
  /** Where it is; for an empty continuation, BuildKit's place: the instruction's last line. */
  readonly range: SourceRange;
}

/** A problem found while parsing, with its place; the IDE path gets all of them. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly range: SourceRange;
  /** A stable short name where there is one. */
  readonly code?: string;
}
