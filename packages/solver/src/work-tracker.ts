import PQueue from 'p-queue';
import { createAbortController } from './abort.js';
import type { AbortSignalLike } from './contract.js';

/** Thrown inside a stopped solve to unwind; the solve replaces it with the reason it stopped. */
export class Stopped extends Error {}

/**
 * The solve's hold on the work it starts: every call into an op or the
 * store is tracked until it settles, ops wait for a slot of a bounded queue,
 * and one abort signal stops it all. After {@link WorkTracker.stop} no call
 * starts; {@link WorkTracker.settle} waits for those still running.
 */
export class WorkTracker {
  readonly #queue: PQueue;
  readonly #abort = createAbortController();
  readonly #inflight = new Set<Promise<unknown>>();
  #reason: Error | undefined;

  constructor(concurrency: number) {
    this.#queue = new PQueue({ concurrency });
  }

  /** The signal ops see; aborted by {@link WorkTracker.stop}. */
  get signal(): AbortSignalLike {
    return this.#abort.signal;
  }

  /** Whether the work was stopped. */
  get stopped(): boolean {
    return this.#abort.signal.aborted;
  }

  /** Why the work was stopped (the first reason given), if it was. */
  get reason(): Error | undefined {
    return this.#reason;
  }

  /** Calls `fn`, tracked until it settles; rejects with {@link Stopped} without calling it once stopped. */
  call<T>(fn: () => T | Promise<T>): Promise<T> {
    if (this.stopped) return Promise.reject(new Stopped());
    const call = (async () => fn())();
    this.#inflight.add(call);
    const done = (): void => {
      this.#inflight.delete(call);
    };
    call.then(done, done);
    return call;
  }

  /** Runs `fn` in a queue slot (not tracked by itself: wrap in {@link WorkTracker.call}), unless stopped while it waited. */
  inSlot<T>(fn: () => Promise<T>): Promise<T> {
    return this.#queue.add(async () => {
      if (this.stopped) throw new Stopped();
      return fn();
    });
  }

  /** Aborts the signal and drops queued work; returns false (and changes nothing) when already stopped. */
  stop(reason: Error): boolean {
    if (this.stopped) return false;
    this.#reason = reason;
    this.#abort.abort(reason);
    this.#queue.clear();
    return true;
  }

  /** Waits until no tracked call is running and the queue is idle. */
  async settle(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
    await this.#queue.onIdle();
  }
}
