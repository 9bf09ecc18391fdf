import fs from 'node:fs';
import path from 'node:path';

/** Options of {@link StepLogs}. */
export interface StepLogsOptions {
  /** The directory for this build's logs (`KILN_ROOT/logs/<build-id>`); made only when a first log is kept. */
  readonly dir: string;
  /** A step's output is kept in a file once it has more lines than this (what a display shows of a step). */
  readonly limitLines: number;
  /** Nor more bytes than this held in memory per step before it goes to a file. Default 64 KiB. */
  readonly limitBytes?: number;
  /** Older build log directories beside `dir` beyond this many are deleted when `dir` is made. Default 20. */
  readonly keepBuilds?: number;
}

interface StepLog {
  readonly label: string;
  buffered: Uint8Array[];
  bufferedBytes: number;
  lines: number;
  fd: number | undefined;
  file: string | undefined;
}

/**
 * The full output of build steps, for when a display shows less of it: a
 * step's output stays in memory while it fits the display (`limitLines`),
 * and goes to a file of its own (`DIR/<label>.log`, everything from the
 * first byte) once it does not, or when {@link StepLogs.keep} asks (a failed
 * step). Files are written synchronously, so a path this names is complete
 * up to the last {@link StepLogs.append}. Call {@link StepLogs.close} once.
 */
export class StepLogs {
  readonly #options: StepLogsOptions;
  readonly #steps = new Map<string, StepLog>();
  #made = false;

  constructor(options: StepLogsOptions) {
    this.#options = options;
  }

  /** Names a step's file: `label` is made file-safe (`5-build-2-4-run-make`). Call before its output. */
  register(digest: string, label: string): void {
    if (this.#steps.has(digest)) return;
    const safe = label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'step';
    this.#steps.set(digest, { label: safe, buffered: [], bufferedBytes: 0, lines: 0, fd: undefined, file: undefined });
  }

  /** Adds output of a registered step; an unregistered one is registered under its digest. */
  append(digest: string, data: Uint8Array): void {
    if (!this.#steps.has(digest)) this.register(digest, digest);
    const step = this.#steps.get(digest)!;
    for (const byte of data) if (byte === 0x0a) step.lines++;
    if (step.fd !== undefined) {
      fs.writeSync(step.fd, data);
      return;
    }
    step.buffered.push(data);
    step.bufferedBytes += data.length;
    if (step.lines > this.#options.limitLines || step.bufferedBytes > (this.#options.limitBytes ?? 64 * 1024)) this.#spill(step);
  }

  /** Lines (newlines) a step has printed so far. */
  lineCount(digest: string): number {
    return this.#steps.get(digest)?.lines ?? 0;
  }

  /** The file holding a step's full output, once there is one. */
  fileOf(digest: string): string | undefined {
    return this.#steps.get(digest)?.file;
  }

  /** Makes sure a step's output is in a file (for a failed step); undefined when it printed nothing. */
  keep(digest: string): string | undefined {
    const step = this.#steps.get(digest);
    if (step === undefined || (step.fd === undefined && step.bufferedBytes === 0)) return step?.file;
    if (step.fd === undefined) this.#spill(step);
    return step.file;
  }

  /** The step printed its last output: its file (if any) is closed and its buffer dropped. */
  end(digest: string): void {
    const step = this.#steps.get(digest);
    if (step === undefined) return;
    if (step.fd !== undefined) fs.closeSync(step.fd);
    step.fd = undefined;
    step.buffered = [];
  }

  /** Closes every file. */
  close(): void {
    for (const digest of this.#steps.keys()) this.end(digest);
  }

  #spill(step: StepLog): void {
    this.#makeDir();
    let file = path.join(this.#options.dir, `${step.label}.log`);
    for (let n = 2; fs.existsSync(file); n++) file = path.join(this.#options.dir, `${step.label}-${n}.log`);
    step.fd = fs.openSync(file, 'wx', 0o600);
    step.file = file;
    for (const chunk of step.buffered) fs.writeSync(step.fd, chunk);
    step.buffered = [];
    step.bufferedBytes = 0;
  }

  #makeDir(): void {
    if (this.#made) return;
    this.#made = true;
    fs.mkdirSync(this.#options.dir, { recursive: true, mode: 0o700 });
    pruneSiblings(this.#options.dir, this.#options.keepBuilds ?? 20);
  }
}

/** Deletes the oldest directories beside `dir` (by name: build ids sort by time) beyond `keep`, so logs do not grow without end. */
function pruneSiblings(dir: string, keep: number): void {
  const parent = path.dirname(dir);
  const names = fs.readdirSync(parent).filter((n) => n !== path.basename(dir)).sort();
  for (const name of names.slice(0, Math.max(0, names.length - (keep - 1)))) {
    fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

/** A build id that sorts by time: `20250101T120000-1a2b3c`. */
export function newBuildId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '');
  return `${stamp}-${Math.random().toString(16).slice(2, 8)}`;
}
