/**
 * The vocabulary of kiln's progress displays, independent of what moves:
 * transfers now, build steps later. A producer sends {@link ProgressUpdate}s
 * keyed by `id`; a display shows one row per id, in the order ids first
 * appeared.
 */

/** A change to one row. Fields left out keep their previous value. */
export interface ProgressUpdate {
  /** Identifies the row (a digest, a vertex digest). */
  readonly id: string;
  /** What the row shows first (`sha256:3f57d9401f8d layer`); set on the first update. */
  readonly label?: string;
  /** A word for the state (`downloading`, `exists`, `done`). */
  readonly status: string;
  /** Units done so far (bytes for transfers). */
  readonly current?: number;
  /** Units in all, when known. */
  readonly total?: number;
  /** True once the row will not change again. */
  readonly finished?: boolean;
}

/** One row as displays keep it. */
export interface ProgressRow {
  readonly id: string;
  label: string;
  status: string;
  current: number;
  total: number | undefined;
  finished: boolean;
  /** Milliseconds (display clock) when the row first appeared. */
  readonly startedAt: number;
}

/**
 * Something that shows progress. `update` and `log` must be cheap: displays
 * redraw on their own schedule. `stop` draws the final state and must be
 * called once the producer is done (also after a failure).
 */
export interface ProgressDisplay {
  update(update: ProgressUpdate): void;
  /** A line of its own, printed above (TTY) or between (plain) the progress rows. */
  log(line: string): void;
  stop(): void;
}

/** Applies `update` to `rows` (insertion-ordered), returning the row. */
export function applyUpdate(rows: Map<string, ProgressRow>, update: ProgressUpdate, now: number): ProgressRow {
  let row = rows.get(update.id);
  if (row === undefined) {
    row = { id: update.id, label: update.label ?? update.id, status: update.status, current: 0, total: undefined, finished: false, startedAt: now };
    rows.set(update.id, row);
  }
  if (update.label !== undefined) row.label = update.label;
  row.status = update.status;
  if (update.current !== undefined) row.current = update.current;
  if (update.total !== undefined) row.total = update.total;
  if (update.finished !== undefined) row.finished = update.finished;
  return row;
}
