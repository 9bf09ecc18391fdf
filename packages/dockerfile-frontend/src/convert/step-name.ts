/** Progress names of build steps, as BuildKit prints them: `[build 2/5] RUN make`. */
import { processWord, type EnvGetter, type EscapeToken } from '@kiln/shell';
import type { StageState } from './dispatch-state.js';

/** Upper-cases the first word (the instruction keyword). */
export function uppercaseCmd(text: string): string {
  const space = text.indexOf(' ');
  return space < 0 ? text.toUpperCase() : text.slice(0, space).toUpperCase() + text.slice(space);
}

/**
 * The instruction text with variables expanded for display (BuildKit's
 * `processCmdEnv`); when expansion fails the text is shown as written.
 * RUN passes `raw` so quotes stay and unset variables stay as written.
 */
export function processCmdEnv(text: string, env: EnvGetter, escapeToken: EscapeToken, raw: boolean): string {
  try {
    return processWord(text, env, { escapeToken, ...(raw ? { rawQuotes: true, skipUnsetEnv: true } : {}) }).value;
  } catch {
    return text;
  }
}

/**
 * BuildKit's `prefixCommand`: `[name i/total] text`, the index padded to
 * the width of the total; each call takes the next index. A state with no
 * numbered steps (an image named by `--from`) gets the text alone.
 */
export function prefixCommand(d: StageState, text: string): string {
  if (d.cmdTotal === 0) return text;
  d.cmdIndex++;
  const width = Math.floor(1 + Math.log10(d.cmdTotal));
  const stage = d.stageName === '' ? '' : `${d.stageName} `;
  return `[${stage}${String(d.cmdIndex).padStart(width, ' ')}/${d.cmdTotal}] ${d.cmdIsOnBuild ? 'ONBUILD ' : ''}${text}`;
}

/** The first line of a heredoc body, with `...` when there are more (BuildKit's `summarizeHeredoc`). */
export function summarizeHeredoc(doc: string): string {
  const lines = doc.trim().replaceAll('\r\n', '\n').split('\n');
  return lines.length > 1 ? `${lines[0]}...` : (lines[0] ?? '');
}
