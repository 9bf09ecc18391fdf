import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '@kiln/errors';
import { apply } from '@kiln/layer';
import type { Digest } from '@kiln/oci';
import type { ImmutableRef, LayerRecord } from './contract.js';
import type { Holds } from './holds.js';
import { imageVariant, rememberLayer } from './layers.js';
import { openRef, snapshotKey, touchSnapshot } from './refs.js';
import type { CacheState } from './state.js';

/**
 * The OCI chain ids of `diffIds`, base first:
 * chainID(0) = diffID(0); chainID(n) = sha256(chainID(n-1) + " " + diffID(n)).
 */
export function chainIds(diffIds: readonly Digest[]): Digest[] {
  const out: Digest[] = [];
  for (const diffId of diffIds) {
    const previous = out.at(-1);
    out.push(previous === undefined ? diffId : (`sha256:${createHash('sha256').update(`${previous} ${diffId}`).digest('hex')}` as Digest));
  }
  return out;
}

/** Applications running in this process, by root and chain id, so concurrent builds apply a layer once (chain ids repeat across roots). */
const inflight = new Map<string, Promise<void>>();

/**
 * Makes sure a committed snapshot named by each chain id exists (applying
 * the missing layers, each once) and returns a held ref on the top one. A
 * snapshot another process committed first is used as it is: commit fails
 * with AlreadyExists and the duplicate is dropped.
 */
export async function fromLayers(
  state: CacheState,
  holds: Holds,
  layers: readonly LayerRecord[],
  options: { readonly signal?: AbortSignal; readonly onProgress?: (done: number, total: number) => void } = {},
): Promise<ImmutableRef> {
  if (layers.length === 0) throw new InvalidArgumentError('fromLayers needs at least one layer; an empty image is an empty mutable ref committed');
  const ids = chainIds(layers.map((l) => l.diffId));
  // Hold each level while the next is applied on it, so a concurrent prune cannot take it away.
  let parentHold: string | undefined;
  try {
    for (let i = 0; i < layers.length; i++) {
      options.signal?.throwIfAborted();
      const id = ids[i]!;
      const hold = holds.add(id);
      if (parentHold !== undefined) holds.remove(parentHold);
      parentHold = hold;
      const flightKey = `${state.root}\0${id}`;
      let pending = inflight.get(flightKey);
      if (pending === undefined) {
        pending = ensureLayer(state, holds, id, i === 0 ? undefined : ids[i - 1]!, layers[i]!, options.signal).finally(() => inflight.delete(flightKey));
        inflight.set(flightKey, pending);
      }
      await pending;
      options.onProgress?.(i + 1, layers.length);
    }
    const top = ids.at(-1)!;
    const ref = await openRef(state, holds, top, parentHold);
    parentHold = undefined;
    return ref;
  } finally {
    if (parentHold !== undefined) holds.remove(parentHold);
  }
}

async function ensureLayer(state: CacheState, holds: Holds, id: string, parent: string | undefined, layer: LayerRecord, signal: AbortSignal | undefined): Promise<void> {
  if (await committed(state, id)) {
    rememberLayer(state, id, imageVariant, layer);
    return;
  }
  const key = snapshotKey('extract');
  const hold = holds.add(key);
  try {
    const mounts = await state.snapshotter.prepare(key, parent);
    try {
      signal?.throwIfAborted();
      await apply(layer.descriptor, mounts, { content: state.content, diffId: layer.diffId });
      await state.snapshotter.commit(id, key);
      state.stats.layersApplied++;
    } catch (error) {
      await state.snapshotter.remove(key).catch(() => undefined);
      // Another process committed the same chain first: its snapshot is as good as ours.
      if ((error as { code?: string }).code !== 'AlreadyExists') throw error;
    }
  } finally {
    holds.remove(hold);
  }
  rememberLayer(state, id, imageVariant, layer);
  touchSnapshot(state, id, `layer ${layer.diffId}`);
}

async function committed(state: CacheState, name: string): Promise<boolean> {
  try {
    return (await state.snapshotter.stat(name)).kind === 'committed';
  } catch (error) {
    if ((error as { code?: string }).code === 'NotFound') return false;
    throw error;
  }
}
