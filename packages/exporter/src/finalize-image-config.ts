import type { Digest, ImageConfig } from '@kiln/oci';
import { formatGoTime, normalizeHistory, timeOf } from './image-history.js';

/** Inputs of {@link finalizeImageConfig} beside the config. */
export interface FinalizeImageConfigOptions {
  /** The layers' diff_ids, base first. */
  readonly diffIds: readonly Digest[];
  /** Milliseconds since the epoch: the export time, for `created` fields nothing else fills. */
  readonly now: number;
  /** When layer `i` (0-based) was made, in milliseconds since the epoch, when known (BuildKit: the ref's creation time). */
  readonly layerCreatedAt?: (index: number) => number | undefined;
  /** SOURCE_DATE_EPOCH in seconds. */
  readonly sourceDateEpoch?: number;
  /** `created_by` of history entries added for layers the history does not describe (0-based layer index). */
  readonly describeLayer?: (index: number) => string | undefined;
}

/** The config to write, and notes on what had to be fixed. */
export interface FinalizedImageConfig {
  readonly config: ImageConfig;
  readonly warnings: readonly string[];
}

/**
 * The frontend's image config made final as BuildKit's image exporter does:
 * `rootfs` = the layers' diff_ids; the history normalised against the layer
 * count (see `normalizeHistory`); `created` kept when the frontend set it
 * (clamped to the epoch when later), otherwise the last history entry's time,
 * otherwise the epoch or now. Pure.
 */
export function finalizeImageConfig(config: ImageConfig, options: FinalizeImageConfigOptions): FinalizedImageConfig {
  const epoch = options.sourceDateEpoch;
  const { history, warnings } = normalizeHistory(config.history, {
    layerCount: options.diffIds.length,
    now: formatGoTime(options.now),
    layerCreated: (i) => {
      const at = options.layerCreatedAt?.(i);
      return at === undefined ? undefined : formatGoTime(at);
    },
    ...(epoch !== undefined ? { sourceDateEpoch: epoch } : {}),
    ...(options.describeLayer !== undefined ? { describeLayer: options.describeLayer } : {}),
  });
  let created = config.created;
  if (created !== undefined) {
    if (epoch !== undefined && !(timeOf(created) <= epoch * 1000)) created = formatGoTime(epoch * 1000);
  } else {
    created = history.findLast((h) => h.created !== undefined)?.created ?? formatGoTime(epoch !== undefined ? epoch * 1000 : options.now);
  }
  const { history: _old, ...rest } = config;
  return {
    config: {
      ...rest,
      created,
      rootfs: { type: 'layers', diff_ids: [...options.diffIds] },
      ...(history.length > 0 ? { history } : {}),
    },
    warnings,
  };
}
