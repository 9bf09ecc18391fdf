import { writeTransaction } from '@kiln/content';
import { diff } from '@kiln/layer';
import { decodeDescriptor, type Digest } from '@kiln/oci';
import type { Mount } from '@kiln/snapshot';
import { escapeLowerdir, parseMountOptions, splitLowerdirs } from '@kiln/sys';
import type { ImmutableRef, LayerRecord } from './contract.js';
import { layerRootOwner, type CacheState } from './state.js';

/** Options of ImmutableRef.layers(). */
export interface LayersOptions {
  readonly compression?: 'gzip' | 'zstd' | 'uncompressed';
  /** gzip 0–9, zstd 1–22; default the compressor's. */
  readonly compressionLevel?: number;
  /** Clamp file mtimes in new layer tars to this (seconds since the epoch). */
  readonly sourceDateEpoch?: number;
}

/** The variant an image's original blob is stored under: returned whatever compression is asked for. */
export const imageVariant = 'image';

/** The `cache_layers` variant of a computed diff. */
function variantOf(options: LayersOptions): string {
  const compression = `${options.compression ?? 'gzip'}${options.compressionLevel === undefined ? '' : `:${options.compressionLevel}`}`;
  return options.sourceDateEpoch === undefined ? compression : `${compression}@${options.sourceDateEpoch}`;
}

/** Remembers `record` as snapshot's layer in `variant` and pins its blob for content GC. */
export function rememberLayer(state: CacheState, snapshot: string, variant: string, record: LayerRecord): LayerRecord {
  return writeTransaction(state.db, () => {
    state.db
      .prepare('INSERT OR IGNORE INTO cache_layers (snapshot, variant, descriptor, diff_id) VALUES (?, ?, ?, ?)')
      .run(snapshot, variant, JSON.stringify(record.descriptor), record.diffId);
    // Another process may have won the race: its row is the one everybody uses.
    const stored = lookupLayer(state, snapshot, [variant])!;
    const all = state.db.prepare('SELECT descriptor FROM cache_layers WHERE snapshot = ?').all(snapshot) as { descriptor: string }[];
    state.gcRoots.set(
      layerRootOwner(snapshot),
      all.map((row) => {
        const d = decodeDescriptor(JSON.parse(row.descriptor));
        return { digest: d.digest, mediaType: d.mediaType };
      }),
    );
    return stored;
  });
}

function lookupLayer(state: CacheState, snapshot: string, variants: readonly string[]): LayerRecord | undefined {
  for (const variant of variants) {
    const row = state.db
      .prepare(
        `SELECT l.descriptor, l.diff_id, s.created, s.description FROM cache_layers l LEFT JOIN cache_snapshots s ON s.name = l.snapshot
         WHERE l.snapshot = ? AND l.variant = ?`,
      )
      .get(snapshot, variant) as { descriptor: string; diff_id: string; created: number | null; description: string | null } | undefined;
    if (row === undefined) continue;
    return {
      descriptor: decodeDescriptor(JSON.parse(row.descriptor)),
      diffId: row.diff_id as Digest,
      origin: variant === imageVariant ? 'image' : 'diff',
      ...(row.created === null ? {} : { createdAt: row.created }),
      ...(row.description === null ? {} : { description: row.description }),
    };
  }
  return undefined;
}

/**
 * Computations running in this process, so concurrent callers share one
 * diff; keyed by root too, since snapshot names are only unique in one root.
 */
const inflight = new Map<string, Promise<LayerRecord>>();

/**
 * The layers of `ref`'s chain, base first: remembered ones from the
 * database, the rest diffed now (each snapshot against its parent) and
 * remembered.
 */
export async function refLayers(state: CacheState, ref: ImmutableRef, options: LayersOptions): Promise<LayerRecord[]> {
  const chain: ImmutableRef[] = [];
  for (let at: ImmutableRef | undefined = ref; at !== undefined; at = at.parent) chain.unshift(at);
  const variant = variantOf(options);
  const out: LayerRecord[] = [];
  for (const snapshot of chain) {
    const known = lookupLayer(state, snapshot.id, [imageVariant, variant]);
    if (known !== undefined) {
      out.push(known);
      continue;
    }
    const flightKey = `${state.root}\0${snapshot.id}\0${variant}`;
    let pending = inflight.get(flightKey);
    if (pending === undefined) {
      pending = diffSnapshot(state, snapshot, variant, options).finally(() => inflight.delete(flightKey));
      inflight.set(flightKey, pending);
    }
    out.push(await pending);
  }
  return out;
}

async function diffSnapshot(state: CacheState, snapshot: ImmutableRef, variant: string, options: LayersOptions): Promise<LayerRecord> {
  const upper = await snapshot.mount();
  try {
    const lower = snapshot.parent === undefined ? undefined : await snapshot.parent.mount();
    try {
      const result = await diff(lower?.mounts ?? [], upperOf(upper.mounts, lower?.mounts ?? []), state.content, {
        compression: options.compression ?? 'gzip',
        ...(options.compressionLevel === undefined ? {} : { level: options.compressionLevel }),
        ...(options.sourceDateEpoch === undefined ? {} : { sourceDateEpoch: options.sourceDateEpoch }),
      });
      state.stats.layersDiffed++;
      return rememberLayer(state, snapshot.id, variant, { descriptor: result.descriptor, diffId: result.diffId });
    } finally {
      await lower?.release();
    }
  } finally {
    await upper.release();
  }
}

/**
 * A read-only overlay view of a snapshot lists its own directory first among
 * its lower directories. Presenting that directory as the upper directory
 * over the rest lets the differ read the snapshot's own changes (whiteouts
 * included) instead of comparing two whole trees.
 */
function upperOf(view: readonly Mount[], lower: readonly Mount[]): readonly Mount[] {
  if (view.length !== 1 || view[0]!.type !== 'overlay' || lower.length === 0) return view;
  const options = parseMountOptions(view[0]!.options).data;
  const lowerdir = options.find((o) => o.startsWith('lowerdir='));
  if (lowerdir === undefined || options.some((o) => o.startsWith('upperdir='))) return view;
  const dirs = splitLowerdirs(lowerdir.slice('lowerdir='.length));
  const [own, ...below] = dirs;
  if (own === undefined || below.length === 0) return view;
  const rest = options.filter((o) => !o.startsWith('lowerdir='));
  return [{ ...view[0]!, options: [...rest, `upperdir=${own}`, `lowerdir=${below.map(escapeLowerdir).join(':')}`] }];
}

