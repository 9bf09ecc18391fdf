import type { AbortSignalLike } from './contract.js';

/** The part of an AbortController the solver uses. */
export interface AbortControllerLike {
  readonly signal: AbortSignalLike;
  abort(reason?: unknown): void;
}

type AbortControllerConstructor = new () => AbortControllerLike;

/**
 * A new abort controller: the platform's own where it has one (every current
 * JS runtime does), so that ops can hand `ctx.signal` straight to `fetch`, the
 * executor or streams; otherwise a minimal one of the same shape. The solver
 * compiles without DOM or Node types, hence the look-up through globalThis.
 */
export function createAbortController(): AbortControllerLike {
  const platform = (globalThis as { AbortController?: AbortControllerConstructor }).AbortController;
  return platform === undefined ? new MinimalAbortController() : new platform();
}

class MinimalAbortSignal implements AbortSignalLike {
  aborted = false;
  reason: unknown = undefined;
  readonly #listeners = new Set<() => void>();

  addEventListener(_type: 'abort', listener: () => void): void {
    this.#listeners.add(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    this.#listeners.delete(listener);
  }

  fire(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = [...this.#listeners];
    this.#listeners.clear(); // every listener behaves as `once`: an abort happens once
    for (const listener of listeners) listener();
  }
}

class MinimalAbortController implements AbortControllerLike {
  readonly #signal = new MinimalAbortSignal();

  get signal(): AbortSignalLike {
    return this.#signal;
  }

  abort(reason?: unknown): void {
    this.#signal.fire(reason);
  }
}
