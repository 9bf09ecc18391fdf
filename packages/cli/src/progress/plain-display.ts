import { applyUpdate, type ProgressDisplay, type ProgressRow, type ProgressUpdate } from './progress-display.js';
import { formatBinaryBytes } from './format-units.js';

/** Options of {@link PlainProgressDisplay}. */
export interface PlainDisplayOptions {
  /** Least milliseconds between two byte-count lines of one row. Default 1000. */
  readonly intervalMs?: number;
  readonly now?: () => number;
}

/**
 * A display for logs and pipes: plain lines, no escapes. A row prints a line
 * when its status changes, its byte count at most every `intervalMs`, and one
 * line when it finishes: `sha256:3f57d9401f8d layer downloading 12.3MiB/40.0MiB`.
 */
export class PlainProgressDisplay implements ProgressDisplay {
  readonly #out: NodeJS.WritableStream;
  readonly #rows = new Map<string, ProgressRow>();
  readonly #printed = new Map<string, { status: string; at: number }>();
  readonly #interval: number;
  readonly #now: () => number;

  constructor(out: NodeJS.WritableStream, options: PlainDisplayOptions = {}) {
    this.#out = out;
    this.#interval = options.intervalMs ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  update(update: ProgressUpdate): void {
    const now = this.#now();
    const before = this.#rows.get(update.id);
    if (before?.finished === true) return; // finished rows already printed their last line
    const row = applyUpdate(this.#rows, update, now);
    const last = this.#printed.get(row.id);
    if (row.finished || last === undefined || last.status !== row.status || now - last.at >= this.#interval) {
      this.#printed.set(row.id, { status: row.status, at: now });
      this.#out.write(`${line(row)}\n`);
    }
  }

  log(text: string): void {
    this.#out.write(`${text}\n`);
  }

  stop(): void {}
}

function line(row: ProgressRow): string {
  const bytes = row.total === undefined ? formatBinaryBytes(row.current) : `${formatBinaryBytes(row.current)}/${formatBinaryBytes(row.total)}`;
  return `${row.label} ${row.status} ${bytes}`;
}
