/**
 * BuildKit's plain progress format, for CI logs and pipes: no control
 * characters, one block per step, numbered in the order steps start:
 *
 * ```
 * #3 [build 2/3] RUN make
 * #3 0.412 compiling…
 * #3 DONE 1.2s
 *
 * #4 [build 3/3] COPY app /app
 * #4 CACHED
 * ```
 *
 * Log lines carry the seconds since the step started. Lines of one step are
 * never split by another's: output is written as it comes, each line whole.
 */
export interface PlainEvent {
  readonly type: string;
  readonly digest?: string;
  readonly name?: string;
  readonly time?: number;
  readonly durationMs?: number;
  readonly stream?: 'stdout' | 'stderr';
  readonly data?: Uint8Array;
  readonly reason?: string;
  readonly message?: string;
  readonly error?: Error;
  readonly current?: number;
  readonly total?: number | undefined;
  readonly id?: string;
}

interface StepState {
  readonly number: number;
  readonly name: string;
  readonly started: number;
  /** Bytes of an unfinished last line, per stream. */
  partial: Record<'stdout' | 'stderr', string>;
  lastProgress: number;
}

/** Formats a solve's events as BuildKit's plain progress; `write` receives whole lines. */
export class PlainProgress {
  readonly #write: (text: string) => void;
  readonly #steps = new Map<string, StepState>();
  /** Cache-miss reasons that came before their step's header; printed right after it. */
  readonly #pendingMisses = new Map<string, string>();
  #next = 1;
  #last: string | undefined;

  constructor(write: (text: string) => void) {
    this.#write = write;
  }

  /** The `#N` number of a step, once it has been shown. */
  numberOf(digest: string): number | undefined {
    return this.#steps.get(digest)?.number;
  }

  #step(digest: string, name: string, time: number): StepState {
    let step = this.#steps.get(digest);
    if (step === undefined) {
      step = { number: this.#next++, name, started: time, partial: { stdout: '', stderr: '' }, lastProgress: 0 };
      this.#steps.set(digest, step);
      this.#line(step, name, true);
    }
    return step;
  }

  /** Writes one line of a step, with a blank line between blocks of different steps. */
  #line(step: StepState, text: string, header = false): void {
    const key = String(step.number);
    if (this.#last !== undefined && this.#last !== key && header) this.#write('\n');
    else if (this.#last !== undefined && this.#last !== key) this.#write('\n');
    this.#last = key;
    this.#write(`#${step.number} ${text}\n`);
  }

  /** Handles one event. */
  handle(event: PlainEvent): void {
    const time = event.time ?? Date.now();
    if (event.digest === undefined) {
      if (event.type.endsWith('warning') && event.message !== undefined) this.#write(`WARNING: ${event.message}\n`);
      return;
    }
    const name = event.name ?? this.#steps.get(event.digest)?.name ?? event.digest;
    switch (event.type) {
      case 'vertex.started': {
        const step = this.#step(event.digest, name, time);
        const miss = this.#pendingMisses.get(event.digest);
        if (miss !== undefined) {
          this.#pendingMisses.delete(event.digest);
          this.#line(step, `cache miss: ${miss}`);
        }
        return;
      }
      case 'vertex.cached':
        this.#line(this.#step(event.digest, name, time), 'CACHED');
        return;
      case 'vertex.cachemiss': {
        const step = this.#steps.get(event.digest);
        if (step === undefined) this.#pendingMisses.set(event.digest, event.reason ?? 'unknown');
        else this.#line(step, `cache miss: ${event.reason ?? 'unknown'}`);
        return;
      }
      case 'vertex.log': {
        const step = this.#step(event.digest, name, time);
        const stream = event.stream ?? 'stdout';
        const text = step.partial[stream] + new TextDecoder().decode(event.data ?? new Uint8Array());
        const lines = text.split('\n');
        step.partial[stream] = lines.pop() ?? '';
        const at = ((time - step.started) / 1000).toFixed(3);
        for (const l of lines) this.#line(step, `${at} ${l.replace(/\r$/, '')}`);
        return;
      }
      case 'vertex.progress': {
        const step = this.#step(event.digest, name, time);
        const done = event.total !== undefined && event.current === event.total;
        if (!done && time - step.lastProgress < 1000) return;
        step.lastProgress = time;
        const amount = event.total === undefined ? formatBytes(event.current ?? 0) : `${formatBytes(event.current ?? 0)} / ${formatBytes(event.total)}`;
        this.#line(step, `${event.id ?? ''} ${amount}${done ? ' done' : ''}`.trim());
        return;
      }
      case 'vertex.warning':
        this.#line(this.#step(event.digest, name, time), `WARNING: ${event.message ?? ''}`);
        return;
      case 'vertex.completed': {
        const step = this.#flush(event.digest, name, time);
        this.#line(step, `DONE ${((event.durationMs ?? time - step.started) / 1000).toFixed(1)}s`);
        return;
      }
      case 'vertex.failed': {
        const step = this.#flush(event.digest, name, time);
        this.#line(step, `ERROR: ${event.error?.message.split('\n')[0] ?? 'failed'}`);
        return;
      }
      case 'vertex.canceled': {
        const step = this.#flush(event.digest, name, time);
        this.#line(step, 'CANCELED');
        return;
      }
      default:
        return;
    }
  }

  /** Writes any unfinished last lines of a step's output. */
  #flush(digest: string, name: string, time: number): StepState {
    const step = this.#step(digest, name, time);
    for (const stream of ['stdout', 'stderr'] as const) {
      if (step.partial[stream] !== '') {
        this.#line(step, `${((time - step.started) / 1000).toFixed(3)} ${step.partial[stream]}`);
        step.partial[stream] = '';
      }
    }
    return step;
  }
}

/** Bytes for people: `12.3MB` style, as BuildKit prints transfers. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n}B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = -1;
  do {
    v /= 1000;
    i++;
  } while (v >= 1000 && i < units.length - 1);
  return `${v.toFixed(v < 10 ? 2 : 1)}${units[i]}`;
}
