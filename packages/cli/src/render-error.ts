import { formatLocation, isKilnError, LocatedError, type SourceRange } from '@kiln/errors';
import { sourceSnippet } from './source-snippet.js';

/** What the CLI knows about the file an error may point into. */
export interface ErrorSource {
  readonly file: string;
  readonly text: string;
}

/**
 * One diagnostic as people and editors read it: `FILE:LINE:COL: message`
 * first (the form compilers use, which terminals and editors turn into links),
 * then the source lines around it.
 */
export function renderLocated(message: string, range: SourceRange, source: ErrorSource | undefined, file?: string): string {
  const head = `${formatLocation(file ?? source?.file, range)}: ${message}`;
  const snippet = source === undefined ? '' : sourceSnippet(source.text, range);
  return snippet === '' ? head : `${head}\n${snippet}`;
}

/**
 * Renders any error for the terminal: located errors with their place and
 * source lines, kiln errors with their message, and anything else (a bug) with
 * its stack so it can be reported.
 */
export function renderError(error: unknown, source?: ErrorSource): string {
  if (error instanceof LocatedError && error.range !== undefined) {
    return renderLocated(error.detail, error.range, source, error.file);
  }
  if (isKilnError(error)) {
    const cause = error.cause instanceof Error ? `\n  caused by: ${error.cause.message}` : '';
    return `error: ${error.message}${cause}`;
  }
  if (error instanceof Error) return `error: internal error: ${error.stack ?? error.message}`;
  return `error: ${String(error)}`;
}
