/**
 * A fake worker and an in-memory cache store for solver tests. Results are
 * plain file maps that count their releases, so a test can check that every
 * handle the solver saw was released exactly once.
 */
import { digestOf, GraphBuilder, type DefinitionVertex, type VertexHandle, type VertexMetadata } from '@kiln/llb';
import type { CacheStore, ContentDigest, KeyParts, OpContext, OpResolver, Result, SolveEvent, SolverOp } from '@kiln/solver';

export type Files = Readonly<Record<string, string>>;

/** Every result handle made in a test, to check the accounting. */
export class Ledger {
  readonly handles: FakeResult[] = [];
  /** Handles the store holds for itself; released when the store replaces them. */
  readonly storeHeld = new Set<FakeResult>();

  /** Descriptions of handles released more or less than once (store-held ones must not be released at all). */
  unbalanced(): string[] {
    return this.handles
      .filter((h) => (this.storeHeld.has(h) ? h.releases !== 0 : h.releases !== 1))
      .map((h) => `${h.id}#${h.serial} released ${h.releases}×${this.storeHeld.has(h) ? ' (store-held)' : ''}`);
  }
}

let serials = 0;

export class FakeResult implements Result {
  releases = 0;
  readonly serial = ++serials;
  readonly ledger: Ledger;
  readonly id: string;
  readonly files: Files;
  constructor(ledger: Ledger, id: string, files: Files) {
    this.ledger = ledger;
    this.id = id;
    this.files = files;
    ledger.handles.push(this);
  }
  clone(): FakeResult {
    return new FakeResult(this.ledger, this.id, this.files);
  }
  async release(): Promise<void> {
    this.releases++;
  }
}

export class MemoryCacheStore implements CacheStore {
  readonly entries = new Map<string, FakeResult[]>();
  readonly parts = new Map<string, KeyParts>();
  readonly loads: string[] = [];
  readonly saves: string[] = [];
  failSaves = false;
  readonly ledger: Ledger;
  constructor(ledger: Ledger) {
    this.ledger = ledger;
  }

  async load(key: string): Promise<readonly Result[] | undefined> {
    this.loads.push(key);
    return this.entries.get(key)?.map((r) => r.clone());
  }
  async save(key: string, results: readonly Result[]): Promise<void> {
    if (this.failSaves) throw new Error('disk full');
    this.saves.push(key);
    for (const old of this.entries.get(key) ?? []) {
      this.ledger.storeHeld.delete(old);
      await old.release();
    }
    const held = results.map((r) => (r as FakeResult).clone());
    for (const h of held) this.ledger.storeHeld.add(h);
    this.entries.set(key, held);
  }
  async lastParts(stableId: string): Promise<KeyParts | undefined> {
    return this.parts.get(stableId);
  }
  async recordParts(stableId: string, parts: KeyParts): Promise<void> {
    this.parts.set(stableId, parts);
  }
}

/** How a fake step behaves, by vertex name. */
export interface Behaviour {
  /** Milliseconds the exec takes; it ends early (rejecting) when the signal aborts. */
  readonly sleepMs?: number;
  /** The exec rejects with this after sleeping. */
  readonly fail?: Error;
  /** Written to stdout before anything else. */
  readonly log?: string;
  /** Per input: whether it enters the key by content, and the paths read (content-based inputs are copied into the output). */
  readonly content?: readonly ({ readonly selectors: readonly string[] } | undefined)[];
  /** Replaces the outputs (to break the contract). */
  readonly outputs?: (made: FakeResult) => readonly FakeResult[];
  /** Files a source produces (default: one file named after it). */
  readonly files?: () => Files;
  /** Extra key parts of the op, as a source resolving an image digest would have. */
  readonly parts?: () => Record<string, string>;
}

const sleep = (ms: number, ctx: OpContext): Promise<void> =>
  new Promise((resolve, reject) => {
    if (ctx.signal.aborted) return reject(new Error('aborted before start'));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Error('killed'));
    };
    const timer = setTimeout(() => {
      ctx.signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });

const select = (files: Files, selectors: readonly string[]): Files =>
  Object.fromEntries(Object.entries(files).filter(([p]) => selectors.length === 0 || selectors.some((s) => p === s || p.startsWith(`${s}/`))));

/** The fake worker: records what runs and when. */
export class FakeWorker implements OpResolver {
  readonly behaviours = new Map<string, Behaviour>();
  readonly execs: string[] = [];
  readonly resolves: string[] = [];
  readonly cacheMaps: string[] = [];
  readonly spans = new Map<string, { start: number; end: number }>();
  readonly abortedWhileRunning = new Set<string>();
  running = 0;
  maxRunning = 0;
  readonly ledger: Ledger;
  constructor(ledger: Ledger) {
    this.ledger = ledger;
  }

  on(name: string, behaviour: Behaviour): this {
    this.behaviours.set(name, behaviour);
    return this;
  }

  resolve(dv: DefinitionVertex): SolverOp {
    const name = dv.metadata.name;
    this.resolves.push(name);
    const b = (): Behaviour => this.behaviours.get(name) ?? {};
    const op = dv.vertex.op;
    return {
      cacheMap: async () => {
        this.cacheMaps.push(name);
        const parts: Record<string, string> = { ...(b().parts?.() ?? {}) };
        if (op.type === 'exec') {
          parts['command'] = op.meta.args.join(' ');
          for (const e of op.meta.env) parts[`env ${e.slice(0, e.indexOf('='))}`] = e.slice(e.indexOf('=') + 1);
        }
        const content = b().content ?? [];
        return {
          digest: digestOf({ op, parts }),
          deps: dv.vertex.inputs.map((_, i) => ({ contentBased: content[i] !== undefined, selectors: content[i]?.selectors ?? [] })),
          parts,
        };
      },
      contentDigest: async (input: Result, selectors: readonly string[]): Promise<ContentDigest> => {
        const files = select((input as FakeResult).files, selectors);
        return { digest: digestOf(files), files };
      },
      exec: async (inputs: readonly Result[], ctx: OpContext) => {
        this.execs.push(name);
        this.running++;
        this.maxRunning = Math.max(this.maxRunning, this.running);
        const start = performance.now();
        try {
          const { sleepMs = 0, fail, log, content = [], outputs, files } = b();
          if (log !== undefined) ctx.log('stdout', new TextEncoder().encode(log));
          if (sleepMs > 0) await sleep(sleepMs, ctx).catch((e: unknown) => {
            this.abortedWhileRunning.add(name);
            throw e;
          });
          if (fail !== undefined) throw fail;
          let out: Record<string, string> = files?.() ?? (op.type === 'source' ? { [`/${name}`]: 'source' } : {});
          (inputs as FakeResult[]).forEach((input, i) => {
            out = { ...out, ...(content[i] === undefined ? input.files : select(input.files, content[i]!.selectors)) };
          });
          if (op.type !== 'source') out[`/ran/${name}`] = 'yes';
          const made = new FakeResult(this.ledger, name, out);
          return outputs === undefined ? [made] : outputs(made);
        } finally {
          this.running--;
          this.spans.set(name, { start, end: performance.now() });
        }
      },
    };
  }
}

/** Builds test graphs: sources and exec steps named after what they do. */
export class Graph {
  readonly g = new GraphBuilder();
  source(name: string, metadata: Partial<VertexMetadata> = {}): VertexHandle {
    return this.g.add({ type: 'source', identifier: `fake://${name}`, attrs: {} }, [], { metadata: { name, stableId: name, ...metadata } });
  }
  run(name: string, inputs: readonly VertexHandle[], options: { env?: string[]; metadata?: Partial<VertexMetadata> } = {}): VertexHandle {
    const mounts = inputs.length === 0
      ? [{ dest: '/', input: -1, output: 0, readonly: false, type: 'bind' as const }]
      : inputs.map((_, i) => ({ dest: i === 0 ? '/' : `/in${i}`, input: i, output: i === 0 ? 0 : -1, readonly: i !== 0, type: 'bind' as const }));
    return this.g.add(
      { type: 'exec', meta: { args: [name], env: options.env ?? [], cwd: '/', user: 'root', network: 'sandbox', security: 'sandbox' }, mounts, secretEnv: [] },
      inputs.map((h) => h.output()),
      { metadata: { name, stableId: name, ...options.metadata } },
    );
  }
  definition(root: VertexHandle | undefined) {
    return this.g.definition(root?.output());
  }
}

/** A fresh ledger, store and worker, and an event log. */
export function world() {
  const ledger = new Ledger();
  const store = new MemoryCacheStore(ledger);
  const worker = new FakeWorker(ledger);
  const events: SolveEvent[] = [];
  return { ledger, store, worker, events, onEvent: (e: SolveEvent) => events.push(e) };
}

/** The event types of one vertex, by name, in order. */
export function eventsOf(events: readonly SolveEvent[], name: string, def: { vertices: readonly DefinitionVertex[] }): string[] {
  const digest = def.vertices.find((v) => v.metadata.name === name)?.digest;
  return events.filter((e) => e.digest === digest).map((e) => e.type);
}
