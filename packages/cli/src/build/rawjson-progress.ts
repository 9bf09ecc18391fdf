import type { BuildEvent, BuildResult } from '@kiln/builder';
import type { SourceRange } from '@kiln/errors';
import type { BuildDisplay } from './build-display.js';
import { renderBuildError } from './render-build-error.js';

/** One line of `--progress=rawjson`: an object valid against {@link rawjsonSchema}. */
export type RawJsonEvent = { readonly v: 1; readonly type: string; readonly time: number } & Record<string, unknown>;

/**
 * `--progress=rawjson`: every event of the build, its result and its error,
 * each as one JSON object on one line (see `rawjson-schema.ts`), so the
 * stream stays pure JSON: nothing else is written to it. Step output is
 * `text` when it is UTF-8 (a character split between two chunks waits for
 * the next chunk), else `base64`.
 */
export class RawJsonProgress implements BuildDisplay {
  readonly #write: (line: string) => void;
  readonly #dockerfileText: string;
  readonly #now: () => number;
  /** Bytes of an unfinished UTF-8 character, per step and stream. */
  readonly #carry = new Map<string, Uint8Array>();

  constructor(write: (line: string) => void, dockerfileText: string, now: () => number = Date.now) {
    this.#write = write;
    this.#dockerfileText = dockerfileText;
    this.#now = now;
  }

  handle(event: BuildEvent): void {
    if (event.type === 'vertex.completed' || event.type === 'vertex.failed' || event.type === 'vertex.canceled') {
      for (const stream of ['stdout', 'stderr'] as const) this.#flushCarry(event.digest, stream, event.time);
    }
    const line = toRawJson(event, (digest, stream, data) => this.#logData(digest, stream, data));
    if (line !== undefined) this.#emit(line);
  }

  succeeded(result: BuildResult): void {
    this.#emit({
      v: 1, type: 'build.result', time: this.#now(),
      imageId: result.imageId ?? null, digest: result.digest ?? null, names: [...result.names],
      pushed: result.pushed.map((p) => ({ name: p.name, digest: p.digest, size: p.size })),
      stats: { executed: result.stats.executed, cached: result.stats.cached }, durationMs: result.durationMs,
    });
  }

  failed(error: unknown): void {
    const e = (typeof error === 'object' && error !== null ? error : {}) as {
      message?: unknown; code?: unknown; file?: unknown; range?: SourceRange;
      step?: { name: string; digest: string; locations: readonly { file: string; ranges: readonly SourceRange[] }[] };
      lastLines?: readonly string[];
    };
    const locations = e.step?.locations ?? (e.range !== undefined ? [{ file: typeof e.file === 'string' ? e.file : 'Dockerfile', ranges: [e.range] }] : undefined);
    this.#emit({
      v: 1, type: 'build.error', time: this.#now(),
      message: typeof e.message === 'string' ? e.message : String(error),
      ...(typeof e.code === 'string' ? { code: e.code } : {}),
      rendered: renderBuildError(error, { dockerfileText: this.#dockerfileText }),
      ...(e.step === undefined ? {} : { step: { digest: e.step.digest, name: e.step.name, locations: e.step.locations.map(plainLocation) } }),
      ...(locations === undefined ? {} : { locations: locations.map(plainLocation) }),
      ...(e.lastLines === undefined ? {} : { lastLines: [...e.lastLines] }),
    });
  }

  #emit(line: RawJsonEvent): void {
    this.#write(`${JSON.stringify(line)}\n`);
  }

  /** `text` for UTF-8, holding back a trailing partial character; `base64` for anything else. */
  #logData(digest: string, stream: string, data: Uint8Array): { text: string } | { base64: string } | undefined {
    const key = `${digest} ${stream}`;
    const before = this.#carry.get(key);
    const bytes = before === undefined ? data : concat(before, data);
    this.#carry.delete(key);
    const cut = incompleteTail(bytes);
    const whole = bytes.subarray(0, cut);
    try {
      const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(whole);
      if (cut < bytes.length) this.#carry.set(key, bytes.slice(cut));
      return whole.length === 0 ? undefined : { text };
    } catch {
      return { base64: Buffer.from(bytes).toString('base64') };
    }
  }

  /** A step ended with half a character held back: it will never be whole, so it goes out as base64. */
  #flushCarry(digest: string, stream: 'stdout' | 'stderr', time: number): void {
    const key = `${digest} ${stream}`;
    const rest = this.#carry.get(key);
    if (rest === undefined) return;
    this.#carry.delete(key);
    this.#emit({ v: 1, type: 'vertex.log', time, digest, stream, base64: Buffer.from(rest).toString('base64') });
  }
}

/** The wire form of one build event; undefined when there is nothing to say (log bytes held back). */
function toRawJson(event: BuildEvent, logData: (digest: string, stream: string, data: Uint8Array) => { text: string } | { base64: string } | undefined): RawJsonEvent | undefined {
  const base = { v: 1 as const, type: event.type, time: event.time };
  switch (event.type) {
    case 'vertex.started':
    case 'vertex.cached':
    case 'vertex.canceled':
      return { ...base, digest: event.digest, name: event.name };
    case 'vertex.completed':
      return { ...base, digest: event.digest, name: event.name, durationMs: event.durationMs };
    case 'vertex.failed': {
      const code = (event.error as { code?: unknown }).code;
      return { ...base, digest: event.digest, name: event.name, error: { message: event.error.message, ...(typeof code === 'string' ? { code } : {}) } };
    }
    case 'vertex.cachemiss':
      return { ...base, digest: event.digest, reason: event.reason };
    case 'vertex.log': {
      const data = logData(event.digest, event.stream, event.data);
      return data === undefined ? undefined : { ...base, digest: event.digest, stream: event.stream, ...data };
    }
    case 'vertex.progress':
      return { ...base, digest: event.digest, id: event.id, name: event.name, current: event.current, ...(event.total === undefined ? {} : { total: event.total }) };
    case 'vertex.warning':
      return { ...base, digest: event.digest, message: event.message };
    case 'build.warning':
      return {
        ...base,
        message: event.message,
        ...(event.range === undefined ? {} : { range: plainRange(event.range) }),
        ...(event.ranges === undefined ? {} : { ranges: event.ranges.map(plainRange) }),
        ...(event.rule === undefined ? {} : { rule: { name: event.rule.name, description: event.rule.description, url: event.rule.url } }),
        ...(event.level === undefined ? {} : { level: event.level }),
      };
    case 'build.info':
      return { ...base, message: event.message };
    default:
      return undefined;
  }
}

/**
 * Where a UTF-8 character at the end of `bytes` is cut short: the index of
 * its first byte, or `bytes.length` when the last character is whole (or the
 * tail is not UTF-8 at all, which the decoder then rejects).
 */
export function incompleteTail(bytes: Uint8Array): number {
  for (let i = bytes.length - 1; i >= Math.max(0, bytes.length - 4); i--) {
    const b = bytes[i]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    const need = b >= 0xf0 && b <= 0xf7 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return bytes.length - i < need ? i : bytes.length;
  }
  return bytes.length;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function plainRange(r: SourceRange): { start: { line: number; column: number }; end: { line: number; column: number } } {
  return { start: { line: r.start.line, column: r.start.column }, end: { line: r.end.line, column: r.end.column } };
}

function plainLocation(l: { readonly file: string; readonly ranges: readonly SourceRange[] }): { file: string; ranges: ReturnType<typeof plainRange>[] } {
  return { file: l.file, ranges: l.ranges.map(plainRange) };
}
