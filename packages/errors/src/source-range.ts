/**
 * A position in a source text. Both numbers are **1-based**. `column` counts
 * UTF-16 code units from the start of the line (what a JavaScript string index
 * counts, and what the Language Server Protocol uses by default), plus one. A
 * byte-order mark at the start of a file is not counted.
 */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * A span of source text. `start` is the first character; **`end` is inclusive**:
 * it is the position of the last character of the span, not the one after it.
 * An empty span (zero characters) has `end.column === start.column - 1` on the
 * same line.
 */
export interface SourceRange {
  readonly start: SourcePosition;
  readonly end: SourcePosition;
}

/** Builds a {@link SourceRange}; all four numbers are 1-based and the end is inclusive. */
export function sourceRange(startLine: number, startColumn: number, endLine: number, endColumn: number): SourceRange {
  return { start: { line: startLine, column: startColumn }, end: { line: endLine, column: endColumn } };
}

/** Formats `file:line:col` for the start of `range` (omits `file:` when there is no file name). */
export function formatLocation(file: string | undefined, range: SourceRange): string {
  const at = `${range.start.line}:${range.start.column}`;
  return file === undefined || file === '' ? at : `${file}:${at}`;
}
