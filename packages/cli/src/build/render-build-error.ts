import { LocatedError, type SourceRange } from '@kiln/errors';
import { renderError, renderLocated } from '../render-error.js';

/** The fields a failed build's error may carry (from `@kiln/builder`'s BuildError), read structurally. */
interface FailedStep {
  readonly step?: {
    readonly name: string;
    readonly digest: string;
    readonly locations: readonly { readonly file: string; readonly ranges: readonly SourceRange[] }[];
  };
  /** The last lines the step printed, oldest first. */
  readonly lastLines?: readonly string[];
}

/** What the renderer knows besides the error. */
export interface BuildErrorContext {
  /** The Dockerfile's text, for the lines around the failing instruction. */
  readonly dockerfileText: string;
  /** The `#N` a step was shown under in plain progress, if it was. */
  readonly number?: (digest: string) => number | undefined;
  /**
   * Where a step's whole output is kept and how many lines it has, when the
   * display did not show all of it; the block names the file when it shows
   * fewer lines than the step printed.
   */
  readonly fullLog?: (digest: string) => { readonly file: string | undefined; readonly lines: number };
}

/**
 * A failed build the way BuildKit shows it: the failing step and its last
 * output lines between rules, the Dockerfile lines around the instruction with
 * the failing ones marked `>>>`, then `ERROR: failed to solve: <cause>`.
 * Syntax errors keep their compiler-style `FILE:LINE:COL: message` form.
 */
export function renderBuildError(error: unknown, context: BuildErrorContext): string {
  if (error instanceof LocatedError && error.range !== undefined && !('step' in error)) {
    return renderLocated(error.detail, error.range, error.file === undefined ? undefined : { file: error.file, text: context.dockerfileText });
  }
  const failed = (typeof error === 'object' && error !== null ? error : {}) as FailedStep;
  const out: string[] = [];
  if (failed.step !== undefined) {
    const n = context.number?.(failed.step.digest);
    out.push('------', ` > ${failed.step.name}:`);
    const shown = failed.lastLines ?? [];
    for (const line of shown) out.push(`${n === undefined ? '' : `#${n} `}${line}`);
    out.push('------');
    const full = context.fullLog?.(failed.step.digest);
    if (full?.file !== undefined && full.lines > shown.length) out.push(`(${full.lines - shown.length} earlier lines not shown; the step's full output is in ${full.file})`);
    for (const location of failed.step.locations) {
      const range = location.ranges[0];
      if (range === undefined) continue;
      out.push(`${location.file}:${range.start.line}`, '--------------------', ...markedLines(context.dockerfileText, range), '--------------------');
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  out.push(failed.step === undefined ? renderError(error) : `ERROR: failed to solve: ${message}`);
  return out.join('\n');
}

/** The lines of `text` around `range`, BuildKit style: `  12 | text`, with `>>>` on the range's lines. */
function markedLines(text: string, range: SourceRange): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const first = Math.max(1, range.start.line - 2);
  const last = Math.min(lines.length, range.end.line + 2);
  const width = String(last).length + 2;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const marked = n >= range.start.line && n <= range.end.line;
    out.push(`${String(n).padStart(width)} | ${marked ? '>>> ' : '    '}${lines[n - 1] ?? ''}`);
  }
  return out;
}
