import type { ProgressDisplay } from './progress-display.js';
import { PlainProgressDisplay } from './plain-display.js';
import { TtyProgressDisplay } from './tty-display.js';

/** How `--progress` asks for output: `auto` picks `tty` on a terminal, else `plain`; `quiet` shows nothing. */
export type ProgressMode = 'auto' | 'tty' | 'plain' | 'quiet';

/** Checks a `--progress` value. @returns undefined when it is not one of {@link ProgressMode}. */
export function parseProgressMode(value: string): ProgressMode | undefined {
  return value === 'auto' || value === 'tty' || value === 'plain' || value === 'quiet' ? value : undefined;
}

/**
 * The progress display for `stream` (default stderr): redrawn bars on a
 * terminal (colour unless `NO_COLOR` is set to anything non-empty), plain
 * lines otherwise, nothing for `quiet`.
 */
export function createProgressDisplay(mode: ProgressMode = 'auto', stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): ProgressDisplay {
  if (mode === 'quiet') return { update() {}, log: (line) => stream.write(`${line}\n`), stop() {} };
  const tty = mode === 'tty' || (mode === 'auto' && stream.isTTY === true);
  if (!tty) return new PlainProgressDisplay(stream);
  return new TtyProgressDisplay(stream, { columns: () => (stream.columns > 0 ? stream.columns : 80), color: (env.NO_COLOR ?? '') === '' });
}
