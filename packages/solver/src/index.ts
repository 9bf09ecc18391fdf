/** @packageDocumentation Generic DAG solver: vertices, cache keys, scheduling, progress events, cancellation. */
export {};
