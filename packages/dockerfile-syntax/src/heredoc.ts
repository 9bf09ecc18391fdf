/**
 * Heredoc markers (`<<EOF`, `<<-EOF`, `3<<'EOF'`, `<< "E O F"`) in a RUN, COPY
 * or ADD line: BuildKit's `heredocsFromLine` and `ParseHeredoc`. The line is
 * split into raw shell words (quotes and escapes kept) by the chevrotain lexer
 * in its `wordsOfText` mode (the `quoted` words) with `\` as escape
 * character, as BuildKit always uses `\` here.
 */
import { isUnicodeSpace } from './line-scanner.js';
import { instructionLexer, Mode } from './tokens.js';

/** A heredoc marker found in an instruction line. */
export interface HeredocMarker {
  readonly name: string;
  readonly expand: boolean;
  readonly chomp: boolean;
  readonly fileDescriptor: number | undefined;
  /** Offset of the marker's first character in the line (0-based). */
  readonly start: number;
  /** Offset just after the marker (exclusive). */
  readonly end: number;
}

/** What {@link parseHeredocWord} makes of one word. */
export type HeredocWordResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'heredoc'; readonly name: string; readonly expand: boolean; readonly chomp: boolean; readonly fileDescriptor: number | undefined }
  | { readonly kind: 'error'; readonly message: string };

const NONE: HeredocWordResult = { kind: 'none' };
const MARKER = /^(\d*)<<(-?)([^<]*)$/;
const BARE_MARKER = /^\d*<<-?$/;

/**
 * Decides whether one raw shell word is a heredoc marker (BuildKit's
 * `ParseHeredoc`): `[fd]<<[-][blanks]WORD`, where WORD is one shell word. Any
 * quoting in WORD turns expansion off; the name is WORD without quotes and
 * escapes. An unterminated quote is an error.
 */
export function parseHeredocWord(src: string): HeredocWordResult {
  // Most words of a heredoc line are not markers; the test is cheaper than the regular expression.
  if (!src.includes('<<')) return NONE;
  const m = MARKER.exec(src);
  if (m === null) return NONE;
  const fd = m[1] === '' ? undefined : Number(m[1]);
  const chomp = m[2] === '-';
  const word = m[3]!;
  let out = '';
  let quoted = false;
  let words = 0;
  let inWord = false;
  for (let i = 0; i < word.length; i++) {
    const ch = word[i]!;
    if (isUnicodeSpace(word.charCodeAt(i))) {
      if (inWord) words++;
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === "'") {
      const close = word.indexOf("'", i + 1);
      if (close === -1) return { kind: 'error', message: 'unexpected end of statement while looking for matching single-quote' };
      out += word.slice(i + 1, close);
      quoted = true;
      i = close;
    } else if (ch === '"') {
      quoted = true;
      let closed = false;
      for (i++; i < word.length; i++) {
        const c = word[i]!;
        if (c === '"') {
          closed = true;
          break;
        }
        if (c === '\\' && i + 1 < word.length && '"$\\`'.includes(word[i + 1]!)) out += word[++i];
        else out += c;
      }
      if (!closed) return { kind: 'error', message: 'unexpected end of statement while looking for matching double-quote' };
    } else if (ch === '\\') {
      if (i + 1 < word.length) out += word[++i];
    } else {
      out += ch;
    }
  }
  if (inWord) words++;
  if (words !== 1) return NONE;
  return { kind: 'heredoc', name: out, expand: !quoted, chomp, fileDescriptor: fd !== undefined && Number.isSafeInteger(fd) ? fd : undefined };
}

/**
 * The heredoc markers of an instruction line, in order, or the first error.
 * A bare `<<` or `<<-` word is joined with the word after it, so `<< EOF` names `EOF`.
 */
export function heredocMarkers(line: string): { markers: HeredocMarker[] } | { error: string; start: number; end: number } {
  const tokens = instructionLexer('\\').tokenize(line, Mode.wordsOfText).tokens;
  const markers: HeredocMarker[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const start = tok.startOffset;
    let end = start + tok.image.length;
    let word = tok.image;
    const next = tokens[i + 1];
    if (next !== undefined && BARE_MARKER.test(word)) {
      end = next.startOffset + next.image.length;
      word = line.slice(start, end);
      i++;
    }
    const parsed = parseHeredocWord(word);
    if (parsed.kind === 'error') return { error: parsed.message, start, end };
    if (parsed.kind === 'heredoc') markers.push({ name: parsed.name, expand: parsed.expand, chomp: parsed.chomp, fileDescriptor: parsed.fileDescriptor, start, end });
  }
  return { markers };
}

/** Removes every leading tab from every line of `content`, as `<<-` asks (BuildKit's `ChompHeredocContent`). */
export function chompHeredocContent(content: string): string {
  return content.replace(/^\t+/gm, '');
}

