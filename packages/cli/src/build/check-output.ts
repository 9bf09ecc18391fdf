/**
 * `kiln build --check`'s report, in buildx's words (`docker build --check`):
 * a count, then each warning with its rule, URL, message and the Dockerfile
 * lines it is about, then the error that would stop a build, if any.
 */
import type { LintResult } from '@kiln/builder/syntax';
import type { SourceRange } from '@kiln/errors';

/** The Dockerfile lines around `range`, as BuildKit prints a source: `   2 | >>> FROM …`. */
function sourceLines(text: string, range: SourceRange): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  if (range.start.line < 1 || range.start.line > lines.length) return [];
  const first = Math.max(1, range.start.line - 2);
  const last = Math.min(lines.length, range.end.line + 2);
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const marked = n >= range.start.line && n <= range.end.line;
    out.push(` ${String(n).padStart(3)} | ${marked ? '>>>' : '   '} ${lines[n - 1] ?? ''}`);
  }
  return out;
}

function sourceBlock(file: string, text: string, range: SourceRange | undefined): string[] {
  if (range === undefined) return [];
  const lines = sourceLines(text, range);
  return lines.length === 0 ? [`${file}:${range.start.line}`] : [`${file}:${range.start.line}`, '--------------------', ...lines, '--------------------'];
}

/**
 * The report of `result` for the Dockerfile `file` (its text `text`), ending
 * in a newline. Warnings come in line order, as `docker build --check` prints them.
 */
export function renderCheckResult(result: LintResult, file: string, text: string): string {
  const out: string[] = [];
  const n = result.findings.length;
  if (n > 0) out.push(`Check complete, ${n === 1 ? '1 warning has' : `${n} warnings have`} been found!`);
  else if (result.error === undefined) out.push('Check complete, no warnings found.');
  for (const f of result.findings) {
    out.push('', `WARNING: ${f.rule}${f.url === '' ? '' : ` - ${f.url}`}`, f.message, ...sourceBlock(file, text, f.ranges[0]));
  }
  if (result.error !== undefined) {
    out.push('', `ERROR: ${result.error.message}`, ...(result.error.kind === 'violation' ? [] : sourceBlock(file, text, result.error.ranges[0])));
  }
  return `${out.join('\n')}\n`;
}
