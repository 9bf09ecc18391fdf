/** Variable expansion of instruction words with a stage's environment (BuildKit's `dispatch` expanders). */
import type { FileOwner, FileOwnerId } from '@kiln/llb';
import { processWord, processWords, type EscapeToken } from '@kiln/shell';
import type { StageState } from './dispatch-state.js';

/** Expands one word with the stage's current environment; throws the shell's error. */
export type Expand = (word: string) => string;

/** An expander over `d`'s environment as it is now (all words of one instruction see the same snapshot). */
export function expanderFor(d: StageState, escapeToken: EscapeToken): Expand {
  const env = d.env.toMap();
  return (word) => processWord(word, env, { escapeToken }).value;
}

/** Expands and splits into words (EXPOSE). */
export function expandWords(d: StageState, escapeToken: EscapeToken, word: string): string[] {
  return processWords(word, d.env.toMap(), { escapeToken }).words;
}

/**
 * Expands a COPY/ADD heredoc body (BuildKit's `ExpandRaw`): quotes are
 * ordinary characters and `\` is the escape whatever `# escape=` says.
 */
export function expandHeredocBody(d: StageState, body: string): string {
  return processWord(body, d.env.toMap(), { escapeToken: '\\', skipProcessQuotes: true }).value;
}

function ownerId(text: string): FileOwnerId {
  return /^\d+$/.test(text) && Number(text) <= 0xffffffff ? { id: Number(text) } : { name: text };
}

/** `user[:group]` as llb's `WithUser` reads it: numbers are ids, anything else a name to resolve in the destination. */
export function parseOwner(text: string): FileOwner {
  const colon = text.indexOf(':');
  const user = colon < 0 ? text : text.slice(0, colon);
  const group = colon < 0 ? undefined : text.slice(colon + 1);
  return { user: ownerId(user), ...(group === undefined ? {} : { group: ownerId(group) }) };
}
