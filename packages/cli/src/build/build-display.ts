import path from 'node:path';
import type { BuildEvent, BuildResult } from '@kiln/builder';
import { PlainProgress } from './plain-progress.js';
import { RawJsonProgress } from './rawjson-progress.js';
import { renderBuildError } from './render-build-error.js';
import { StepLogs, newBuildId } from './step-logs.js';
import { TtyBuildProgress, type TtyStream } from './tty-progress.js';

/** `--progress` after `auto` is resolved. */
export type BuildProgressMode = 'plain' | 'tty' | 'rawjson' | 'quiet';

/**
 * Shows one build: every event goes to `handle`, in order; then exactly one
 * of `succeeded` or `failed`, which finishes the display (draws its last
 * state, the summary or the error) and releases what it holds.
 */
export interface BuildDisplay {
  handle(event: BuildEvent): void;
  succeeded(result: BuildResult): void;
  failed(error: unknown): void;
}

/** What {@link createBuildDisplay} needs. */
export interface BuildDisplayOptions {
  readonly mode: BuildProgressMode;
  /** Where progress goes: stderr. A TTY display reads its `columns`, `rows` and `resize`. */
  readonly stderr: TtyStream;
  /** Where `quiet` writes the image id: stdout. */
  readonly stdout: { write(text: string): unknown };
  /** The Dockerfile, for error blocks. */
  readonly dockerfileText: string;
  /** The kiln root: step logs the display clips go to `ROOT/logs/<build-id>/`. */
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * `auto` → `tty` when stderr is a terminal, else `plain`.
 * @throws Error naming the accepted values for anything else.
 */
export function resolveProgressMode(flag: string, stderrIsTty: boolean): BuildProgressMode {
  if (flag === 'plain' || flag === 'tty' || flag === 'rawjson' || flag === 'quiet') return flag;
  if (flag !== 'auto') throw new Error(`invalid --progress "${flag}": expected auto, plain, tty, rawjson or quiet`);
  return stderrIsTty ? 'tty' : 'plain';
}

/** Lines of a running step the TTY display shows; more go to a log file. */
export const TTY_STEP_LINES = 6;

/** The display for a mode. */
export function createBuildDisplay(o: BuildDisplayOptions): BuildDisplay {
  const write = (text: string): void => void o.stderr.write(text);
  const logsDir = (): string => path.join(o.root, 'logs', newBuildId());
  switch (o.mode) {
    case 'rawjson':
      return new RawJsonProgress(write, o.dockerfileText);
    case 'tty':
      return new TtyBuildProgress(o.stderr, {
        color: (o.env.NO_COLOR ?? '') === '',
        logs: new StepLogs({ dir: logsDir(), limitLines: TTY_STEP_LINES }),
        dockerfileText: o.dockerfileText,
        keepLines: TTY_STEP_LINES,
      });
    case 'quiet':
      return new QuietProgress(o.stdout, write, o.dockerfileText, new StepLogs({ dir: logsDir(), limitLines: 20 }));
    case 'plain':
      return new PlainBuildProgress(write, o.dockerfileText);
  }
}

/** BuildKit's plain `#N` format; it prints every line, so it clips nothing and keeps no log files. */
class PlainBuildProgress implements BuildDisplay {
  readonly #write: (text: string) => void;
  readonly #plain: PlainProgress;
  readonly #dockerfileText: string;

  constructor(write: (text: string) => void, dockerfileText: string) {
    this.#write = write;
    this.#plain = new PlainProgress(write);
    this.#dockerfileText = dockerfileText;
  }

  handle(event: BuildEvent): void {
    this.#plain.handle(event);
  }

  succeeded(result: BuildResult): void {
    this.#write(result.summary.map((l) => `${l}\n`).join(''));
  }

  failed(error: unknown): void {
    this.#write(`${renderBuildError(error, { dockerfileText: this.#dockerfileText, number: (d) => this.#plain.numberOf(d) })}\n`);
  }
}

/**
 * `--progress=quiet`: the image id on stdout and nothing else, unless the
 * build fails: then the error block on stderr, and the failed step's whole
 * output in a file the block names when it has more lines than the block shows.
 */
class QuietProgress implements BuildDisplay {
  readonly #stdout: { write(text: string): unknown };
  readonly #write: (text: string) => void;
  readonly #dockerfileText: string;
  readonly #logs: StepLogs;

  constructor(stdout: { write(text: string): unknown }, write: (text: string) => void, dockerfileText: string, logs: StepLogs) {
    this.#stdout = stdout;
    this.#write = write;
    this.#dockerfileText = dockerfileText;
    this.#logs = logs;
  }

  handle(event: BuildEvent): void {
    if (event.type === 'vertex.started') this.#logs.register(event.digest, event.name);
    else if (event.type === 'vertex.log') this.#logs.append(event.digest, event.data);
    else if (event.type === 'vertex.failed') {
      this.#logs.keep(event.digest);
      this.#logs.end(event.digest);
    } else if (event.type === 'vertex.completed' || event.type === 'vertex.canceled') this.#logs.end(event.digest);
  }

  succeeded(result: BuildResult): void {
    this.#logs.close();
    this.#stdout.write(`${result.imageId ?? ''}\n`);
  }

  failed(error: unknown): void {
    this.#logs.close();
    const logs = this.#logs;
    this.#write(`${renderBuildError(error, { dockerfileText: this.#dockerfileText, fullLog: (d) => ({ file: logs.fileOf(d), lines: logs.lineCount(d) }) })}\n`);
  }
}
