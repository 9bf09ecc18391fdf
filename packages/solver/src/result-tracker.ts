import type { Result } from './contract.js';

/**
 * Every result handle a solve holds, each released exactly once at the end.
 * A handle is tracked the moment it arrives (from the cache store or an op),
 * even when the solve was cancelled meanwhile, so none can leak.
 */
export class ResultTracker {
  readonly #held = new Map<Result, string>();

  /** Takes ownership of `results`, produced for vertex `digest`. */
  track(digest: string, results: readonly Result[]): void {
    for (const result of results) if (!this.#held.has(result)) this.#held.set(result, digest);
  }

  /** Releases every handle once; returns the failures with the vertex each handle belongs to. */
  async releaseAll(): Promise<{ digest: string; error: unknown }[]> {
    const held = [...this.#held];
    this.#held.clear();
    const settled = await Promise.allSettled(held.map(([result]) => result.release()));
    const failures: { digest: string; error: unknown }[] = [];
    settled.forEach((s, i) => {
      if (s.status === 'rejected') failures.push({ digest: held[i]![1], error: s.reason });
    });
    return failures;
  }
}
