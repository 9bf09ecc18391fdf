import { CanceledError, InternalError } from '@kiln/errors';
import { outputCount, type Definition, type DefinitionVertex } from '@kiln/llb';
import { cacheKey, type CacheKeyInput } from './cache-key.js';
import type { CacheMap, ContentDigest, KeyParts, Result, SolverOp } from './contract.js';
import type { SolveEvent } from './events.js';
import { explainCacheMiss } from './explain-miss.js';
import { opContext, type ClosableOpContext } from './op-context.js';
import { ResultTracker } from './result-tracker.js';
import { OutputTail, SolveError } from './solve-error.js';
import type { SolveOptions, SolveResult } from './solve-options.js';
import { Stopped, WorkTracker } from './work-tracker.js';

/** A step's cache key and the parts it was made of. */
interface KeyInfo {
  readonly key: string;
  readonly parts: KeyParts;
  /**
   * The step must run: it ignores the cache, or an input whose key it uses
   * must run (a no-cache step's result is fresh, so what builds on it is
   * rebuilt too; consumers that read it by content still hit when the content
   * is unchanged).
   */
  readonly forced: boolean;
}

/** What one solve knows about one vertex. Promises are memoised so concurrent requests share one computation. */
interface VertexState {
  readonly dv: DefinitionVertex;
  op: SolverOp | undefined;
  key: Promise<KeyInfo> | undefined;
  resolvedKey: KeyInfo | undefined;
  result: Promise<readonly Result[]> | undefined;
  /** Set once the step was reported cached or completed. */
  outcome: 'cached' | 'executed' | undefined;
  readonly tail: OutputTail;
}

/** Lets a memoised promise reject without an unhandled rejection when nobody awaits it any more (after a stop). */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/**
 * One run of {@link solve}: the state of every vertex, the work it started,
 * and every handle to release. Used once.
 */
export class SolveSession {
  readonly #definition: Definition;
  readonly #options: SolveOptions;
  readonly #now: () => number;
  readonly #states = new Map<string, VertexState>();
  /** Tracks the calls; its `reason` is the first failure (a SolveError) or the cancellation (a CanceledError), what the solve rejects with. */
  readonly #work: WorkTracker;
  readonly #results = new ResultTracker();
  #executed = 0;
  #cached = 0;

  constructor(definition: Definition, options: SolveOptions) {
    this.#definition = definition;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    for (const dv of definition.vertices) {
      this.#states.set(dv.digest, { dv, op: undefined, key: undefined, resolvedKey: undefined, result: undefined, outcome: undefined, tail: new OutputTail() });
    }
    this.#work = new WorkTracker(options.concurrency);
  }

  /** Solves the root; always waits for every op it started and releases every handle but the returned root clone. */
  async run(): Promise<SolveResult> {
    const external = this.#options.signal;
    if (external?.aborted) throw new CanceledError('build canceled before it started', { cause: external.reason });
    const onAbort = (): void => {
      this.#work.stop(new CanceledError('build canceled', { cause: external?.reason }));
    };
    external?.addEventListener('abort', onAbort, { once: true });
    try {
      const root = this.#definition.root;
      if (root === undefined) return { root: undefined, stats: this.#stats() };
      const outputs = await this.#resultOf(this.#state(root.digest));
      if (this.#work.reason === undefined) await this.#reportCoveredSteps();
      if (this.#work.reason !== undefined) throw this.#work.reason; // cancelled just as the root became ready
      return { root: outputs[root.output]!.clone(), stats: this.#stats() };
    } catch (error) {
      throw this.#work.reason ?? error;
    } finally {
      external?.removeEventListener('abort', onAbort);
      await this.#work.settle();
      for (const { digest, error } of await this.#results.releaseAll()) {
        this.#emit({ type: 'vertex.warning', digest, message: `could not release a result: ${messageOf(error)}`, time: this.#now() });
      }
    }
  }

  #stats(): SolveResult['stats'] {
    return { executed: this.#executed, cached: this.#cached };
  }

  #state(digest: string): VertexState {
    const state = this.#states.get(digest);
    // validateDefinition guarantees every input is in the definition.
    if (state === undefined) throw new InternalError(`vertex ${digest} is not in the definition`);
    return state;
  }

  // ---- keys -------------------------------------------------------------

  #keyOf(state: VertexState): Promise<KeyInfo> {
    state.key ??= quiet(this.#computeKey(state));
    return state.key;
  }

  async #computeKey(state: VertexState): Promise<KeyInfo> {
    const { dv } = state;
    const op = await this.#attempt(state, () => (state.op ??= this.#options.resolver.resolve(dv, this.#definition)));
    const ctx = this.#context(state, false);
    try {
      const cacheMap = await this.#attempt(state, () => op.cacheMap(ctx));
      if (cacheMap.deps.length !== dv.vertex.inputs.length) {
        throw this.#failed(state, new InternalError(`the op's cache map has ${cacheMap.deps.length} deps for ${dv.vertex.inputs.length} inputs`));
      }
      const inputs = await Promise.all(cacheMap.deps.map((dep, i) => this.#keyInput(state, op, cacheMap, i, ctx)));
      const info: KeyInfo = {
        key: cacheKey(cacheMap.digest, inputs.map((input) => input.keyInput)),
        parts: { op: cacheMap.parts, inputs: inputs.map((input) => input.part) },
        forced: dv.metadata.ignoreCache || inputs.some((input) => input.forced),
      };
      state.resolvedKey = info;
      return info;
    } finally {
      ctx.close();
    }
  }

  /** Input `i`'s share of the key: its producer's key, or (content-based) the digest of what the op reads in its result. */
  async #keyInput(
    state: VertexState,
    op: SolverOp,
    cacheMap: CacheMap,
    i: number,
    ctx: ClosableOpContext,
  ): Promise<{ keyInput: CacheKeyInput; part: KeyParts['inputs'][number]; forced: boolean }> {
    const input = state.dv.vertex.inputs[i]!;
    const dep = cacheMap.deps[i]!;
    const producer = this.#state(input.digest);
    if (!dep.contentBased) {
      const { key, forced } = await this.#keyOf(producer);
      return { keyInput: { key, output: input.output }, part: { key }, forced };
    }
    const result = (await this.#resultOf(producer))[input.output]!;
    const content: ContentDigest = await this.#attempt(state, () => this.#work.inSlot(() => op.contentDigest(result, dep.selectors, ctx)));
    return { keyInput: { content: content.digest }, part: { content }, forced: false };
  }

  // ---- results ----------------------------------------------------------

  #resultOf(state: VertexState): Promise<readonly Result[]> {
    state.result ??= quiet(this.#produce(state));
    return state.result;
  }

  /** Loads the step's results from the cache, or runs it on its inputs' results. */
  async #produce(state: VertexState): Promise<readonly Result[]> {
    const { dv } = state;
    const info = await this.#keyOf(state);
    if (!info.forced) {
      const loaded = await this.#attempt(state, async () => {
        const results = await this.#options.cacheStore.load(info.key);
        if (results !== undefined) this.#results.track(dv.digest, results);
        return results;
      });
      if (loaded !== undefined) {
        this.#checkOutputs(state, loaded, 'the cache store');
        this.#markCached(state);
        await this.#recordParts(state, info.parts);
        return loaded;
      }
      await this.#explainMiss(state, info.parts);
    }
    const inputs = await Promise.all(dv.vertex.inputs.map(async (input) => (await this.#resultOf(this.#state(input.digest)))[input.output]!));
    // The slot is taken only now that the inputs are ready: a step waiting for inputs never blocks the queue.
    return this.#work.call(() => this.#work.inSlot(() => this.#execute(state, info, inputs)));
  }

  /** Runs the op in a queue slot, from `vertex.started` to `vertex.completed` (or `failed`/`canceled`). */
  async #execute(state: VertexState, info: KeyInfo, inputs: readonly Result[]): Promise<readonly Result[]> {
    const { dv } = state;
    const op = state.op!;
    const started = this.#now();
    this.#emit({ type: 'vertex.started', digest: dv.digest, name: dv.metadata.name, time: started });
    const ctx = this.#context(state, true);
    let outputs: readonly Result[];
    try {
      outputs = await this.#work.call(async () => {
        const results = await op.exec(inputs, ctx);
        this.#results.track(dv.digest, results); // before anything else can throw, so a late result is still released
        return results;
      });
      if (this.#work.stopped) throw new Stopped();
      this.#checkOutputs(state, outputs, 'the op');
    } catch (error) {
      throw this.#stepEnded(state, error);
    } finally {
      ctx.close();
    }
    try {
      await this.#bestEffort(state, 'save the result in the cache', () => this.#options.cacheStore.save(info.key, outputs));
      await this.#recordParts(state, info.parts);
    } catch (error) {
      throw this.#stepEnded(state, error);
    }
    state.outcome = 'executed';
    this.#executed++;
    const time = this.#now();
    this.#emit({ type: 'vertex.completed', digest: dv.digest, name: dv.metadata.name, time, durationMs: time - started });
    return outputs;
  }

  /** A started step ends early: `vertex.canceled` when the solve was stopped, else this is the first failure. */
  #stepEnded(state: VertexState, error: unknown): Error {
    if (error instanceof Error && error === this.#work.reason) return error; // #checkOutputs already reported it
    if (this.#work.stopped) {
      this.#emit({ type: 'vertex.canceled', digest: state.dv.digest, name: state.dv.metadata.name, time: this.#now() });
      return new Stopped();
    }
    return this.#failed(state, error);
  }

  #checkOutputs(state: VertexState, results: readonly Result[], from: string): void {
    const expected = outputCount(state.dv.vertex);
    if (results.length !== expected) {
      throw this.#failed(state, new InternalError(`${from} gave ${results.length} results for a vertex with ${expected} outputs`));
    }
  }

  #markCached(state: VertexState): void {
    state.outcome = 'cached';
    this.#cached++;
    this.#emit({ type: 'vertex.cached', digest: state.dv.digest, name: state.dv.metadata.name, time: this.#now() });
  }

  /**
   * Steps whose key was needed but whose result was not, because a later
   * step was found in the cache: reported cached, as BuildKit shows them,
   * in definition order after the root.
   */
  async #reportCoveredSteps(): Promise<void> {
    const covered = [...this.#states.values()].filter((s) => s.resolvedKey !== undefined && s.result === undefined && s.outcome === undefined);
    for (const state of covered) this.#markCached(state);
    await Promise.all(covered.map((state) => this.#recordParts(state, state.resolvedKey!.parts)));
  }

  // ---- explaining misses ------------------------------------------------

  /**
   * Emits `vertex.cachemiss` when the step ran before under its stable id.
   * A step never built before gets no event: there is nothing to compare.
   */
  async #explainMiss(state: VertexState, parts: KeyParts): Promise<void> {
    const { stableId } = state.dv.metadata;
    if (stableId === undefined) return;
    const last = await this.#bestEffort(state, 'read the last build of this step', () => this.#options.cacheStore.lastParts(stableId));
    if (last === undefined) return;
    const names = state.dv.vertex.inputs.map((input) => this.#states.get(input.digest)?.dv.metadata.name);
    this.#emit({ type: 'vertex.cachemiss', digest: state.dv.digest, reason: explainCacheMiss(parts, last, names, 4, state.dv.metadata.partLabels ?? {}), time: this.#now() });
  }

  /** Remembers the parts of a step that ran or was reused, so the next miss is explained against this build. */
  async #recordParts(state: VertexState, parts: KeyParts): Promise<void> {
    const { stableId } = state.dv.metadata;
    if (stableId !== undefined) await this.#bestEffort(state, 'record the key parts', () => this.#options.cacheStore.recordParts(stableId, parts));
  }

  // ---- calls, failure, cancellation -------------------------------------

  /** A call on behalf of `state` whose failure fails the solve. */
  async #attempt<T>(state: VertexState, fn: () => T | Promise<T>): Promise<T> {
    let value: T;
    try {
      value = await this.#work.call(fn);
    } catch (error) {
      throw this.#failed(state, error);
    }
    if (this.#work.stopped) throw new Stopped();
    return value;
  }

  /** A call whose failure only warns (the cache works less well, the build is still right); undefined then. */
  async #bestEffort<T>(state: VertexState, what: string, fn: () => Promise<T>): Promise<T | undefined> {
    let value: T | undefined;
    try {
      value = await this.#work.call(fn);
    } catch (error) {
      if (this.#work.stopped) throw new Stopped();
      this.#emit({ type: 'vertex.warning', digest: state.dv.digest, message: `could not ${what}: ${messageOf(error)}`, time: this.#now() });
      return undefined;
    }
    if (this.#work.stopped) throw new Stopped();
    return value;
  }

  /** Records the first failure, reports it and stops the solve; later errors are consequences of the stop. */
  #failed(state: VertexState, error: unknown): Error {
    if (error instanceof Stopped || (error instanceof Error && error === this.#work.reason)) return error;
    if (this.#work.stopped) return new Stopped();
    const failure = new SolveError(state.dv, error, state.tail.bytes());
    const cause = error instanceof Error ? error : new Error(String(error));
    this.#emit({ type: 'vertex.failed', digest: state.dv.digest, name: state.dv.metadata.name, time: this.#now(), error: cause });
    this.#work.stop(failure);
    return failure;
  }

  #context(state: VertexState, keepTail: boolean): ClosableOpContext {
    return opContext(
      state.dv.digest,
      this.#work.signal,
      (event) => this.#emit(event),
      this.#now,
      keepTail ? (data) => state.tail.push(data) : undefined,
    );
  }

  #emit(event: SolveEvent): void {
    try {
      this.#options.onEvent?.(event);
    } catch {
      // Documented on SolveOptions.onEvent: a throwing listener must not break the solve's accounting.
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
