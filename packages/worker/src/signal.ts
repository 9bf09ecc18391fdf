import type { AbortSignalLike } from '@kiln/solver';

/**
 * A platform AbortSignal following the solver's signal (which is typed
 * without DOM or Node types). Returns the signal itself when it already is
 * one; `dispose` unhooks the listener.
 */
export function toAbortSignal(signal: AbortSignalLike): { signal: AbortSignal; dispose(): void } {
  if (signal instanceof AbortSignal) return { signal, dispose: () => {} };
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, dispose: () => signal.removeEventListener('abort', onAbort) };
}
