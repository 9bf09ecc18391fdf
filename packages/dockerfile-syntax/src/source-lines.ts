/**
 * The physical lines of a Dockerfile as BuildKit's scanner sees them: split on
 * `\n`, a trailing `\r` dropped, a UTF-8 byte-order mark removed from line 1.
 * Every line remembers where it starts in the original text, so ranges can be
 * reported in the original coordinates.
 */

/** BuildKit reads lines with Go's `bufio.Scanner`, whose token limit is 64 KiB including the newline. */
export const MAX_LINE_BYTES = 65535;

/** One physical line. */
export interface SourceLine {
  /** 1-based line number. */
  readonly number: number;
  /** The line without its `\n`, without trailing `\r`s, without a leading BOM. */
  readonly text: string;
  /**
   * The 1-based column of `text[0]`. Always 1: a byte-order mark is not
   * counted, since editors (and the Language Server Protocol) do not show it.
   */
  readonly column: number;
  /** The line without its `\n` and without a leading BOM, trailing `\r`s kept (see {@link heredocBodyLine}). */
  readonly raw: string;
  /** True when a `\n` ended the line (false for a last line without one). */
  readonly newline: boolean;
  /** True when the line (with a trailing `\r`, without `\n`) is longer than {@link MAX_LINE_BYTES} UTF-8 bytes. */
  readonly tooLong: boolean;
}

/** Splits `text` into physical lines. An empty text has no lines; a final `\n` does not start a new line. */
export function splitSourceLines(text: string): SourceLine[] {
  const lines: SourceLine[] = [];
  let start = 0;
  let number = 1;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const stop = nl === -1 ? text.length : nl;
    let raw = text.slice(start, stop);
    const column = 1;
    if (number === 1 && raw.charCodeAt(0) === 0xfeff) raw = raw.slice(1);
    let end = raw.length;
    while (end > 0 && raw.charCodeAt(end - 1) === 13) end--;
    lines.push({
      number,
      text: end === raw.length ? raw : raw.slice(0, end),
      column,
      raw,
      newline: nl !== -1,
      tooLong: raw.length > MAX_LINE_BYTES / 3 && utf8Length(raw) > MAX_LINE_BYTES,
    });
    number++;
    start = stop + 1;
  }
  return lines;
}

/**
 * The line as BuildKit appends it to a heredoc body: `\r\n` turned into `\n`,
 * otherwise unchanged. Computed on demand, since few lines are heredoc bodies.
 */
export function heredocBodyLine(line: SourceLine): string {
  // Go's `dropCR` rewrites only `\r\n`, so a final line without `\n` keeps its `\r`.
  if (!line.newline) return line.raw;
  return (line.raw.endsWith('\r') ? line.raw.slice(0, -1) : line.raw) + '\n';
}

/** The number of bytes `s` takes in UTF-8 (a lone surrogate counts as the 3 bytes of U+FFFD). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
