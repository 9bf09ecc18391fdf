import { applyUpdate, type ProgressDisplay, type ProgressRow, type ProgressUpdate } from './progress-display.js';
import { formatBinaryBytes } from './format-units.js';
import { progressBar } from './progress-bar.js';

/** Where a TTY display draws, and how. */
export interface TtyDisplayOptions {
  /** Columns of the terminal; rows are cut to fit so the cursor arithmetic stays right. */
  readonly columns: () => number;
  /** False when NO_COLOR is set: rows are drawn without colour (cursor movement stays). */
  readonly color: boolean;
  /** Milliseconds between redraws. Default 100. */
  readonly intervalMs?: number;
  readonly now?: () => number;
}

const esc = '\x1b[';
const maxBarWidth = 24;

/**
 * A display for terminals: one live row per id with a bar, bytes and
 * status, redrawn in place with ANSI cursor movement at most every
 * `intervalMs`. Log lines scroll above the rows.
 */
export class TtyProgressDisplay implements ProgressDisplay {
  readonly #out: NodeJS.WritableStream;
  readonly #options: TtyDisplayOptions;
  readonly #rows = new Map<string, ProgressRow>();
  readonly #now: () => number;
  readonly #timer: NodeJS.Timeout;
  #drawn = 0;
  #dirty = false;
  #stopped = false;

  constructor(out: NodeJS.WritableStream, options: TtyDisplayOptions) {
    this.#out = out;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#timer = setInterval(() => this.#flush(), options.intervalMs ?? 100);
    this.#timer.unref(); // a display never keeps the process alive
  }

  update(update: ProgressUpdate): void {
    if (this.#stopped) return;
    applyUpdate(this.#rows, update, this.#now());
    this.#dirty = true;
  }

  log(line: string): void {
    this.#out.write(`${this.#erase()}${esc}2K${line}\n${this.#render()}`);
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#dirty = true;
    this.#flush();
  }

  #flush(): void {
    if (!this.#dirty) return;
    this.#dirty = false;
    this.#out.write(`${this.#erase()}${this.#render()}`);
  }

  /** Moves the cursor back over the rows drawn last time; the next draw overwrites them. */
  #erase(): string {
    const up = this.#drawn === 0 ? '' : `${esc}${this.#drawn}A`;
    this.#drawn = 0;
    return `${up}\r`;
  }

  #render(): string {
    const columns = Math.max(20, this.#options.columns());
    let out = '';
    for (const row of this.#rows.values()) {
      out += `${esc}2K${this.#row(row, columns - 1)}\n`;
      this.#drawn++;
    }
    return `${out}${esc}J`;
  }

  /** One row: label, status, a bar as wide as the terminal leaves room for (up to 24), bytes, seconds. */
  #row(row: ProgressRow, width: number): string {
    const bytes = row.total === undefined ? formatBinaryBytes(row.current) : `${formatBinaryBytes(row.current)}/${formatBinaryBytes(row.total)}`;
    const seconds = ((this.#now() - row.startedAt) / 1000).toFixed(1);
    const head = `${row.label} ${row.status.padEnd(11)}`;
    const tail = `${bytes.padStart(19)} ${seconds.padStart(5)}s`; // fixed width keeps the bars of all rows aligned
    const room = Math.min(maxBarWidth, width - head.length - tail.length - 4);
    const text = room < 5 ? `${head} ${tail}` : `${head} [${bar(row, room)}] ${tail}`;
    const cut = text.length > width ? text.slice(0, width) : text;
    if (!this.#options.color) return cut;
    const colour = row.finished ? '32' : row.status === 'retrying' ? '33' : '36';
    return `${esc}${colour}m${cut}${esc}0m`;
  }
}

function bar(row: ProgressRow, width: number): string {
  if (row.finished) return '='.repeat(width);
  return progressBar(row.total === undefined || row.total === 0 ? 0 : row.current / row.total, width);
}
