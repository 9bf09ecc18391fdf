import type { SourceRange } from '@kiln/errors';

/**
 * The lines of `text` around `range`, numbered, with the range's lines marked by
 * `>` and its columns underlined on single-line ranges — the way kiln shows
 * where in a Dockerfile something went wrong. `context` lines are shown before
 * and after. Returns an empty string when the range is outside the text.
 */
export function sourceSnippet(text: string, range: SourceRange, context = 2): string {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.length > 1 && lines.at(-1) === '') lines.pop(); // the final newline ends the last line; it starts none
  const { start, end } = range;
  if (start.line < 1 || start.line > lines.length) return '';
  const first = Math.max(1, start.line - context);
  const last = Math.min(lines.length, Math.max(start.line, end.line) + context);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const marked = n >= start.line && n <= end.line;
    out.push(`${marked ? '>' : ' '} ${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
    if (marked && start.line === end.line && n === start.line) {
      const span = Math.max(1, end.column - start.column + 1);
      out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, start.column - 1))}${'^'.repeat(span)}`);
    }
  }
  return out.join('\n');
}
