/**
 * A logical line: one instruction's text with its continuations joined, as
 * BuildKit builds it, plus a map from every offset of that text back to the
 * physical line and column it came from.
 */
import type { SourcePosition, SourceRange } from '@kiln/errors';

/** Where a piece of the joined text starts in the original file. */
interface Segment {
  /** Offset in the joined text. */
  readonly offset: number;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column of the character at `offset`. */
  readonly column: number;
}

/** The joined text of one instruction and the way back to original positions. */
export class LogicalLine {
  #text = '';
  // Most lines have one piece: it is kept in fields, and the array made for the second.
  #line = 1;
  #column = 1;
  #segments: Segment[] | undefined;
  #pieces = 0;

  /** The joined text. */
  get text(): string {
    return this.#text;
  }

  /** Appends `piece`, whose first character stands at `line`:`column` (both 1-based) in the original. */
  append(piece: string, line: number, column: number): void {
    if (this.#pieces++ === 0) {
      this.#line = line;
      this.#column = column;
    } else {
      this.#segments ??= [{ offset: 0, line: this.#line, column: this.#column }];
      this.#segments.push({ offset: this.#text.length, line, column });
    }
    this.#text += piece;
  }

  /** The original position of the character at `offset` (0-based) of the joined text; an offset at the end maps just past the last character. */
  position(offset: number): SourcePosition {
    const segs = this.#segments;
    if (segs === undefined) return this.#pieces === 0 ? { line: 1, column: 1 } : { line: this.#line, column: this.#column + offset };
    let lo = 0;
    let hi = segs.length - 1;
    // Last segment whose offset <= `offset`; a later segment at the same offset wins (empty pieces come first).
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid]!.offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    const seg = segs[lo];
    if (seg === undefined) return { line: 1, column: 1 };
    return { line: seg.line, column: seg.column + (offset - seg.offset) };
  }

  /** The original range of the joined text's `[start, end)` (0-based, end exclusive); an empty span gives an empty range. */
  range(start: number, end: number): SourceRange {
    const s = this.position(start);
    if (end <= start) return { start: s, end: { line: s.line, column: s.column - 1 } };
    return { start: s, end: this.position(end - 1) };
  }
}
