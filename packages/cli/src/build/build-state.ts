import type { BuildEvent } from '@kiln/builder';
import { TextDecoder } from 'node:util';

/** Where a step is: BuildKit's words, as the TTY display marks them. */
export type StepStatus = 'running' | 'done' | 'cached' | 'error' | 'canceled';

/** One transfer of a step (a pull of a blob, a layer being unpacked or written): bytes so far and in all. */
export interface TransferView {
  readonly id: string;
  name: string;
  current: number;
  total: number | undefined;
  /** Milliseconds since the epoch. */
  readonly started: number;
  updated: number;
}

/** What the display knows of one step. Times in milliseconds since the epoch. */
export interface StepView {
  readonly digest: string;
  name: string;
  /** 1-based, in the order steps first appeared (the `#N` of plain progress). */
  readonly number: number;
  status: StepStatus;
  started: number;
  ended: number | undefined;
  /** The last complete output lines, oldest first, at most `keepLines`, cleaned of control characters. */
  readonly lines: string[];
  /** Complete output lines in all. */
  totalLines: number;
  readonly partial: Record<'stdout' | 'stderr', string>;
  readonly transfers: Map<string, TransferView>;
  readonly warnings: string[];
  /** The first line of the error of a failed step. */
  error: string | undefined;
}

/**
 * The state of a build as the TTY display draws it, folded from the build's
 * events: steps in the order they appeared, each with its last output lines
 * (a window of `keepLines`) and its transfers, and the build's own warnings.
 */
export class BuildState {
  readonly steps = new Map<string, StepView>();
  readonly warnings: string[] = [];
  readonly started: number;
  readonly #keepLines: number;
  /** One streaming decoder per step and stream, so a character split between two chunks stays whole. */
  readonly #decoders = new Map<string, TextDecoder>();

  constructor(started: number, keepLines: number) {
    this.started = started;
    this.#keepLines = keepLines;
  }

  /** Steps that have ended (done, cached, failed or canceled). */
  get finished(): number {
    let n = 0;
    for (const s of this.steps.values()) if (s.status !== 'running') n++;
    return n;
  }

  /** Folds one event in. Events about unknown steps make the step (named by its digest until a name comes). */
  apply(event: BuildEvent): void {
    if (!('digest' in event)) {
      if (event.type === 'build.warning') this.warnings.push(event.range === undefined ? event.message : `${event.message} (line ${event.range.start.line})`);
      return;
    }
    // A progress event's name is its transfer's, not the step's.
    const step = this.#step(event.digest, 'name' in event && event.type !== 'vertex.progress' ? event.name : undefined, event.time);
    switch (event.type) {
      case 'vertex.started':
        step.status = 'running';
        step.started = event.time;
        return;
      case 'vertex.cached':
        step.status = 'cached';
        step.ended = event.time;
        step.started = event.time;
        return;
      case 'vertex.completed':
        this.#flush(step);
        step.status = 'done';
        step.ended = event.time;
        return;
      case 'vertex.failed':
        this.#flush(step);
        step.status = 'error';
        step.ended = event.time;
        step.error = event.error.message.split('\n')[0];
        return;
      case 'vertex.canceled':
        this.#flush(step);
        step.status = 'canceled';
        step.ended = event.time;
        return;
      case 'vertex.log': {
        const key = `${event.digest} ${event.stream}`;
        let decoder = this.#decoders.get(key);
        if (decoder === undefined) this.#decoders.set(key, (decoder = new TextDecoder()));
        const text = step.partial[event.stream] + decoder.decode(event.data, { stream: true });
        const lines = text.split('\n');
        step.partial[event.stream] = lines.pop() ?? '';
        for (const line of lines) this.#push(step, line);
        return;
      }
      case 'vertex.progress': {
        const t = step.transfers.get(event.id);
        if (t === undefined) step.transfers.set(event.id, { id: event.id, name: event.name, current: event.current, total: event.total, started: event.time, updated: event.time });
        else Object.assign(t, { name: event.name, current: event.current, total: event.total, updated: event.time });
        return;
      }
      case 'vertex.warning':
        step.warnings.push(event.message);
        return;
      case 'vertex.cachemiss':
        return;
    }
  }

  #step(digest: string, name: string | undefined, time: number): StepView {
    let step = this.steps.get(digest);
    if (step === undefined) {
      step = {
        digest, name: name ?? digest, number: this.steps.size + 1, status: 'running', started: time, ended: undefined,
        lines: [], totalLines: 0, partial: { stdout: '', stderr: '' }, transfers: new Map(), warnings: [], error: undefined,
      };
      this.steps.set(digest, step);
    } else if (name !== undefined) step.name = name;
    return step;
  }

  #push(step: StepView, raw: string): void {
    step.totalLines++;
    step.lines.push(cleanLine(raw));
    if (step.lines.length > this.#keepLines) step.lines.shift();
  }

  #flush(step: StepView): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (step.partial[stream] !== '') this.#push(step, step.partial[stream]);
      step.partial[stream] = '';
    }
  }
}

/**
 * A line of a step's output made safe to draw in place: what a carriage
 * return would have overwritten is dropped, escape sequences and other
 * control characters are removed, tabs become spaces. Anything else would
 * move the cursor and break the display's arithmetic.
 */
export function cleanLine(raw: string): string {
  const afterCr = raw.replace(/\r+$/, '').split('\r').at(-1) ?? '';
  // eslint-disable-next-line no-control-regex
  return afterCr.replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[@-_]/g, '').replace(/\t/g, '    ').replace(/[\x00-\x1f\x7f\x80-\x9f]/g, '');
}
