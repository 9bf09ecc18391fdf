/**
 * The line-oriented half of BuildKit's parser (`parser.Parse`): physical lines
 * become logical lines (continuations joined, comments and empty continuation
 * lines skipped), directives are read from the top, comments are collected,
 * and heredoc bodies are consumed on request. The text of each logical line is
 * then parsed by the chevrotain grammar (see `instruction-parser.ts`).
 */
import type { SourceRange } from '@kiln/errors';
import type { Comment, Directive, EscapeChar } from './ast.js';
import { DirectiveReader } from './directives.js';
import { LogicalLine } from './logical-line.js';
import { heredocBodyLine, MAX_LINE_BYTES, type SourceLine } from './source-lines.js';

/** One instruction's lines, before its text is parsed. */
export interface ScannedLine {
  readonly line: LogicalLine;
  /** 1-based number of the first physical line. */
  readonly startLine: number;
  /** 1-based number of the last physical line read for it (continuations, comments and blank lines inside included). */
  readonly endLine: number;
  /** The comments since the previous instruction (BuildKit's `PrevComment`). */
  readonly comments: readonly Comment[];
  /** True when blank lines were skipped inside the continuation. */
  readonly emptyContinuation: boolean;
  /** The escape character in force for this line. */
  readonly escapeChar: EscapeChar;
}

/** A heredoc body read from the lines after an instruction. */
export interface ScannedHeredoc {
  /** The body lines, each ending in `\n` (`\r\n` becomes `\n`); the terminator is not included. */
  readonly content: string;
  readonly bodyRange: SourceRange | undefined;
  /** The terminator line, or undefined when the file ended first. */
  readonly terminatorRange: SourceRange | undefined;
  /** The last physical line read (the terminator, or the last line of the file). */
  readonly endLine: number;
}

/** Receives what the scanner finds besides instructions. */
export interface ScannerSink {
  directive(directive: Directive): void;
  comment(comment: Comment): void;
  error(message: string, range: SourceRange): void;
}

/** `unicode.IsSpace` for the characters Dockerfiles meet (ASCII blanks, NEL, NBSP and the Unicode spaces). */
export function isUnicodeSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

function leadingSpaces(text: string): number {
  let i = 0;
  while (i < text.length && isUnicodeSpace(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Where a line-continuation escape at the end of `text` (optionally followed
 * by blanks) starts, or -1 when the line does not continue. It counts only
 * when the character before it is not the escape character too, or when it
 * stands alone: BuildKit's `([^\\])?\\[ \t]*$` rule, which is also why a line
 * ending in `\\\` is not continued. The line's text is `text` up to there.
 */
export function continuationAt(text: string, escapeChar: EscapeChar): number {
  let end = text.length;
  while (end > 0) {
    const c = text.charCodeAt(end - 1);
    if (c !== 32 && c !== 9) break;
    end--;
  }
  if (end === 0 || text[end - 1] !== escapeChar) return -1;
  if (end >= 2 && text[end - 2] === escapeChar) return -1;
  return end - 1;
}

/** Walks the physical lines of one file. */
export class LineScanner {
  readonly #lines: readonly SourceLine[];
  readonly #sink: ScannerSink;
  readonly #directives = new DirectiveReader();
  #next = 0;
  #prevComments: Comment[] = [];

  constructor(lines: readonly SourceLine[], sink: ScannerSink) {
    this.#lines = lines;
    this.#sink = sink;
  }

  /** The escape character in force. */
  get escapeChar(): EscapeChar {
    return this.#directives.escapeChar;
  }

  /** The number of the last line read (0 before the first). */
  get lastLine(): number {
    return this.#next === 0 ? 0 : this.#lines[this.#next - 1]!.number;
  }

  #checkLength(line: SourceLine): boolean {
    if (!line.tooLong) return true;
    const range = { start: { line: line.number, column: line.column }, end: { line: line.number, column: line.column + line.text.length - 1 } };
    this.#sink.error(`dockerfile line greater than max allowed size of ${MAX_LINE_BYTES}`, range);
    return false;
  }

  #comment(line: SourceLine, hashAt: number): Comment {
    const text = line.text;
    let end = text.length;
    while (end > hashAt + 1 && isUnicodeSpace(text.charCodeAt(end - 1))) end--;
    let start = hashAt + 1;
    if (text.charCodeAt(start) === 32) start++;
    const comment: Comment = {
      text: start < end ? text.slice(start, end) : '',
      range: { start: { line: line.number, column: line.column + hashAt }, end: { line: line.number, column: line.column + end - 1 } },
    };
    this.#sink.comment(comment);
    return comment;
  }

  /** Reads the next instruction's lines, or returns undefined at the end of the file. */
  next(): ScannedLine | undefined {
    const lines = this.#lines;
    while (this.#next < lines.length) {
      const first = lines[this.#next++]!;
      if (!this.#checkLength(first)) continue;
      const ws = leadingSpaces(first.text);
      const text = ws === 0 ? first.text : first.text.slice(ws);
      const offered = this.#directives.offer(text, first.number, first.column + ws);
      if (offered.kind === 'directive') {
        this.#sink.directive(offered.directive);
        continue;
      }
      if (offered.kind === 'error') this.#sink.error(offered.message, offered.range);
      if (text.charCodeAt(0) === 35) {
        if (offered.kind === 'error') continue;
        const comment = this.#comment(first, ws);
        if (comment.text === '') this.#prevComments = [];
        else this.#prevComments.push(comment);
        continue;
      }
      const escapeChar = this.#directives.escapeChar;
      let at = continuationAt(text, escapeChar);
      if (at === -1 && text === '') continue;
      const line = new LogicalLine();
      line.append(at === -1 ? text : text.slice(0, at), first.number, first.column + ws);
      let endLine = first.number;
      let emptyContinuation = false;
      while (at !== -1 && this.#next < lines.length) {
        const next = lines[this.#next++]!;
        endLine = next.number;
        if (!this.#checkLength(next)) continue;
        this.#directives.offer(next.text, next.number, next.column);
        const nws = leadingSpaces(next.text);
        if (nws === next.text.length) {
          emptyContinuation = true;
          continue;
        }
        if (next.text.charCodeAt(nws) === 35) {
          this.#comment(next, nws);
          continue;
        }
        at = continuationAt(next.text, escapeChar);
        line.append(at === -1 ? next.text : next.text.slice(0, at), next.number, next.column);
      }
      const comments = this.#prevComments;
      this.#prevComments = [];
      return { line, startLine: first.number, endLine, comments, emptyContinuation, escapeChar };
    }
    return undefined;
  }

  /**
   * Reads one heredoc body from the following lines, up to the line equal to
   * `name` (after removing leading tabs when `chomp`).
   */
  readHeredoc(name: string, chomp: boolean): ScannedHeredoc {
    const lines = this.#lines;
    let content = '';
    let firstBody: SourceLine | undefined;
    let lastBody: SourceLine | undefined;
    while (this.#next < lines.length) {
      const line = lines[this.#next++]!;
      this.#checkLength(line);
      let candidate = line.text;
      let tabs = 0;
      if (chomp) {
        while (candidate.charCodeAt(tabs) === 9) tabs++;
        candidate = candidate.slice(tabs);
      }
      if (candidate === name) {
        return {
          content,
          bodyRange: bodyRange(firstBody, lastBody),
          terminatorRange: { start: { line: line.number, column: line.column + tabs }, end: { line: line.number, column: line.column + line.text.length - 1 } },
          endLine: line.number,
        };
      }
      firstBody ??= line;
      lastBody = line;
      content += heredocBodyLine(line);
    }
    return { content, bodyRange: bodyRange(firstBody, lastBody), terminatorRange: undefined, endLine: this.lastLine };
  }
}

/** From the first body line's start to its last line's newline (the body's last character). */
function bodyRange(first: SourceLine | undefined, last: SourceLine | undefined): SourceRange | undefined {
  if (first === undefined || last === undefined) return undefined;
  return { start: { line: first.number, column: first.column }, end: { line: last.number, column: last.column + last.text.length } };
}
