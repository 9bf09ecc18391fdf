/**
 * The solve's progress, one typed stream for every consumer (the TTY display,
 * plain logs, `--progress=rawjson`, IDE plugins). Times are milliseconds since
 * the epoch; `digest` names the vertex.
 *
 * Order per vertex: either one `vertex.cached`; or an optional
 * `vertex.cachemiss`, then `vertex.started`, its `log`/`progress`/`warning`
 * events, and last exactly one of `completed`, `failed` or `canceled`; or a
 * lone `vertex.failed` when its cache key could not be computed (an image
 * that does not resolve). Steps not needed because a later step was cached
 * are reported `vertex.cached` after the root, in definition order. Nothing
 * about a vertex follows its final event. Queued steps that never started
 * when the solve stopped get no event.
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
