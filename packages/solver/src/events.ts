/**
 * The solve's progress, one typed stream for every consumer (the TTY display,
 * plain logs, `--progress=rawjson`, IDE plugins). Times are milliseconds since
 * the epoch; `digest` names the vertex.
 */
export type SolveEvent =
  | { readonly type: 'vertex.started'; readonly digest: string; readonly name: string; readonly time: number }
  | { readonly type: 'vertex.cached'; readonly digest: string; readonly name: string; readonly time: number }
  | { readonly type: 'vertex.completed'; readonly digest: string; readonly name: string; readonly time: number; readonly durationMs: number }
  | { readonly type: 'vertex.failed'; readonly digest: string; readonly name: string; readonly time: number; readonly error: Error }
  | { readonly type: 'vertex.canceled'; readonly digest: string; readonly name: string; readonly time: number }
  | { readonly type: 'vertex.log'; readonly digest: string; readonly stream: 'stdout' | 'stderr'; readonly data: Uint8Array; readonly time: number }
  | { readonly type: 'vertex.progress'; readonly digest: string; readonly id: string; readonly name: string; readonly current: number; readonly total: number | undefined; readonly time: number }
  | { readonly type: 'vertex.warning'; readonly digest: string; readonly message: string; readonly time: number }
  /** Why a step that ran before did not reuse its result, e.g. `src/app.js changed`. */
  | { readonly type: 'vertex.cachemiss'; readonly digest: string; readonly reason: string; readonly time: number };
