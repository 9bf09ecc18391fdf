import type { AbortSignalLike, OpContext } from './contract.js';
import type { SolveEvent } from './events.js';

/** An {@link OpContext} for one call of an op, which stops reporting once the call settled. */
export interface ClosableOpContext extends OpContext {
  /** Drops whatever the op reports after this, so a late log line cannot follow the step's final event. */
  close(): void;
}

/**
 * Makes the context of one op call for vertex `digest`: its reports become
 * events stamped with `now()`; `onLog` also sees the output (for the tail a
 * failed step shows).
 */
export function opContext(
  digest: string,
  signal: AbortSignalLike,
  emit: (event: SolveEvent) => void,
  now: () => number,
  onLog?: (data: Uint8Array) => void,
): ClosableOpContext {
  let open = true;
  return {
    signal,
    log(stream, data) {
      if (!open) return;
      onLog?.(data);
      emit({ type: 'vertex.log', digest, stream, data, time: now() });
    },
    progress(id, name, current, total) {
      if (open) emit({ type: 'vertex.progress', digest, id, name, current, total, time: now() });
    },
    warn(message) {
      if (open) emit({ type: 'vertex.warning', digest, message, time: now() });
    },
    close() {
      open = false;
    },
  };
}
