import type { HistoryEntry } from '@kiln/oci';

/** The history comment BuildKit writes on entries it adds for layers the history does not describe. */
export const exporterHistoryComment = 'buildkit.exporter.image.v0';

/** Inputs of {@link normalizeHistory} beside the history itself. */
export interface NormalizeHistoryOptions {
  /** How many layers the image has. */
  readonly layerCount: number;
  /** RFC 3339 time for layers whose creation time is not known. */
  readonly now: string;
  /** When layer `i` (0-based over all layers) was made, RFC 3339 (BuildKit: its ref's creation time); `now` when undefined. */
  readonly layerCreated?: (index: number) => string | undefined;
  /** SOURCE_DATE_EPOCH in seconds: every `created` later than it, or missing, becomes it. */
  readonly sourceDateEpoch?: number;
  /** `created_by` for entries added for layer `i` (0-based over all layers) that the history does not describe. */
  readonly describeLayer?: (index: number) => string | undefined;
}

/** The history that goes into the exported config, and what had to be fixed on the way. */
export interface NormalizedHistory {
  readonly history: HistoryEntry[];
  /** Human-readable notes on entries changed because the history and the layers disagreed. */
  readonly warnings: string[];
}

/**
 * Makes an image's history agree with its layers exactly as BuildKit's image
 * exporter does (`normalizeLayersAndHistory` and the epoch clamp of
 * `patchImageConfig`):
 * 1. more non-empty entries than layers: entries past the last layer become
 *    `empty_layer` (with a warning);
 * 2. fewer (a base image whose history misses layers): entries are
 *    **appended** for the missing layers, `created` = the layer's time and the comment
 *    {@link exporterHistoryComment} — at the end, as BuildKit does, even when
 *    the undescribed layers are the base image's;
 * 3. a layer entry without `created` gets its layer's time; an entry still without one
 *    gets the `created` of the entry before it (the first new layer's time
 *    for leading ones);
 * 4. with an epoch, every `created` after it becomes the epoch.
 *
 * Pure: same input, same output.
 */
export function normalizeHistory(input: readonly HistoryEntry[] | undefined, options: NormalizeHistoryOptions): NormalizedHistory {
  const warnings: string[] = [];
  let history = [...(input ?? [])];
  const described = history.filter((h) => h.empty_layer !== true).length;
  if (described > options.layerCount) {
    warnings.push(`the image history describes ${described} layers but the image has ${options.layerCount}; the entries past the last layer are marked empty`);
    let seen = 0;
    history = history.map((h) => {
      if (h.empty_layer === true) return h;
      seen++;
      return seen > options.layerCount ? { ...h, empty_layer: true } : h;
    });
  }
  const layerCreated = (i: number): string => options.layerCreated?.(i) ?? options.now;
  for (let i = described; i < options.layerCount; i++) {
    const createdBy = options.describeLayer?.(i);
    history.push({ created: layerCreated(i), ...(createdBy !== undefined ? { created_by: createdBy } : {}), comment: exporterHistoryComment });
  }
  let layer = 0;
  history = history.map((h) => {
    if (h.empty_layer === true) return h;
    const index = layer++;
    return h.created === undefined ? { ...h, created: layerCreated(index) } : h;
  });
  history = fillCreated(history);
  if (options.sourceDateEpoch !== undefined) {
    const epoch = options.sourceDateEpoch;
    const epochText = formatGoTime(epoch * 1000);
    history = history.map((h) => (h.created === undefined || !(timeOf(h.created) <= epoch * 1000) ? { ...h, created: epochText } : h));
  }
  return { history, warnings };
}

/**
 * BuildKit's fill rule: entries without `created` take the time of the first
 * dated entry that follows an undated one (so a leading metadata entry gets
 * the first new layer's time, not a base layer's), then, going on, the time
 * of the closest dated entry before them.
 */
function fillCreated(history: HistoryEntry[]): HistoryEntry[] {
  let created: string | undefined;
  let undated = false;
  for (const h of history) {
    if (h.created !== undefined) {
      created = h.created;
      if (undated) break;
    } else undated = true;
  }
  undated = false;
  return history.map((h) => {
    if (h.created !== undefined) {
      if (undated) created = h.created;
      return h;
    }
    undated = true;
    return created === undefined ? h : { ...h, created };
  });
}

/** Milliseconds since the epoch of an RFC 3339 time; NaN when unparsable (then it is treated as after any epoch). */
export function timeOf(text: string): number {
  return Date.parse(text);
}

/**
 * A time as Go's `time.Time` marshals to JSON in UTC: RFC 3339 with the
 * fraction's trailing zeros dropped (`2015-10-21T07:28:00Z`, `…:00.5Z`).
 *
 * @param ms milliseconds since the epoch.
 */
export function formatGoTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.replace(/\.(\d*?)0*Z$/, (_, digits: string) => (digits === '' ? 'Z' : `.${digits}Z`));
}
