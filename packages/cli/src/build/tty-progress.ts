import type { BuildEvent, BuildResult } from '@kiln/builder';
import { BuildState } from './build-state.js';
import type { BuildDisplay } from './build-display.js';
import { renderBuildError } from './render-build-error.js';
import type { StepLogs } from './step-logs.js';
import { renderFrame, type FrameLine } from './tty-render.js';

/** The terminal a {@link TtyBuildProgress} draws on: `process.stderr` fits. */
export interface TtyStream {
  write(text: string): unknown;
  readonly columns?: number;
  readonly rows?: number;
  on?(event: 'resize', listener: () => void): unknown;
  off?(event: 'resize', listener: () => void): unknown;
}

/** Options of {@link TtyBuildProgress}. */
export interface TtyBuildProgressOptions {
  /** False when NO_COLOR is set: no SGR colours (cursor movement stays). */
  readonly color: boolean;
  /** Where output the display clips is kept in full. */
  readonly logs: StepLogs;
  /** The Dockerfile, for the error block. */
  readonly dockerfileText: string;
  /** Output lines shown per running step. Default 6. */
  readonly keepLines?: number;
  /** Milliseconds between redraws. Default 100 (10 frames a second at most). */
  readonly intervalMs?: number;
  readonly now?: () => number;
}

const esc = '\x1b[';

/**
 * BuildKit's live TTY display: a frame ({@link renderFrame}) redrawn in
 * place at most every `intervalMs`, cut to the terminal's width and fitted
 * to its height, and redrawn correctly after a resize. When the build ends it
 * draws the final frame (every step, warnings, the files of clipped output),
 * then the summary or the error block.
 */
export class TtyBuildProgress implements BuildDisplay {
  readonly #out: TtyStream;
  readonly #o: TtyBuildProgressOptions;
  readonly #state: BuildState;
  readonly #now: () => number;
  readonly #timer: NodeJS.Timeout;
  readonly #onResize = (): void => this.#draw(false);
  /** Lengths of the lines of the last frame, to know how many terminal rows to go back over. */
  #drawn: number[] = [];
  #last = '';
  #stopped = false;

  constructor(out: TtyStream, options: TtyBuildProgressOptions) {
    this.#out = out;
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#state = new BuildState(this.#now(), options.keepLines ?? 6);
    this.#timer = setInterval(() => this.#draw(false), options.intervalMs ?? 100);
    this.#timer.unref(); // the display never keeps the process alive
    out.on?.('resize', this.#onResize);
  }

  handle(event: BuildEvent): void {
    if (this.#stopped) return;
    this.#state.apply(event);
    if (!('digest' in event)) return;
    const logs = this.#o.logs;
    const step = this.#state.steps.get(event.digest);
    if (step !== undefined) logs.register(event.digest, `${step.number}-${step.name}`);
    if (event.type === 'vertex.log') logs.append(event.digest, event.data);
    else if (event.type === 'vertex.failed') {
      logs.keep(event.digest);
      logs.end(event.digest);
    } else if (event.type === 'vertex.completed' || event.type === 'vertex.canceled') logs.end(event.digest);
  }

  succeeded(result: BuildResult): void {
    this.#stop();
    this.#out.write(result.summary.map((l) => `${l}\n`).join(''));
  }

  failed(error: unknown): void {
    this.#stop();
    const logs = this.#o.logs;
    const text = renderBuildError(error, {
      dockerfileText: this.#o.dockerfileText,
      number: (d) => this.#state.steps.get(d)?.number,
      fullLog: (d) => ({ file: logs.fileOf(d), lines: logs.lineCount(d) }),
    });
    this.#out.write(`${this.#o.color ? `${esc}31m${text}${esc}0m` : text}\n`);
  }

  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#out.off?.('resize', this.#onResize);
    this.#o.logs.close();
    this.#draw(true);
  }

  #draw(final: boolean): void {
    if (this.#stopped && !final) return;
    const columns = this.#out.columns !== undefined && this.#out.columns > 0 ? this.#out.columns : 80;
    const rows = this.#out.rows !== undefined && this.#out.rows > 0 ? this.#out.rows : undefined;
    const lines = renderFrame(this.#state, { now: this.#now(), columns, rows, final, logFile: (d) => this.#o.logs.fileOf(d) });
    const body = lines.map((l) => `${esc}2K${this.#paint(l)}\n`).join('');
    if (body === this.#last && !final) return;
    this.#last = body;
    // Lines were cut to the width they were drawn at; a narrower terminal may have wrapped them since.
    const up = this.#drawn.reduce((n, length) => n + Math.max(1, Math.ceil(length / columns)), 0);
    this.#out.write(`${up === 0 ? '' : `${esc}${up}A`}\r${body}${esc}J`);
    this.#drawn = lines.map((l) => l.text.length);
  }

  #paint(line: FrameLine): string {
    return this.#o.color && line.color !== undefined ? `${esc}${line.color}m${line.text}${esc}0m` : line.text;
  }
}
