import { randomBytes } from 'node:crypto';
import { NotFoundError } from '@kiln/errors';
import type { Mount } from '@kiln/snapshot';
import type { ImmutableRef, LayerRecord, MutableRef } from './contract.js';
import type { Holds } from './holds.js';
import { refLayers, type LayersOptions } from './layers.js';
import type { CacheState } from './state.js';

/** A random snapshot key or name with a readable prefix. */
export function snapshotKey(prefix: 'active' | 'view' | 'extract' | 'ref'): string {
  return `${prefix}-${randomBytes(10).toString('hex')}`;
}

/** Marks a committed snapshot as used now (prune removes the least recently used first). */
export function touchSnapshot(state: CacheState, name: string, description?: string): void {
  const now = Date.now();
  state.db
    .prepare('INSERT INTO cache_snapshots (name, description, created, last_used) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET last_used = excluded.last_used')
    .run(name, description ?? null, now, now);
}

/**
 * A committed snapshot handed out with a hold. Parents are borrowed refs
 * (`release` is a no-op for them): the snapshotter never removes a parent
 * whose child exists, so the child's hold keeps the whole chain.
 */
class CommittedRef implements ImmutableRef {
  readonly id: string;
  readonly parent: ImmutableRef | undefined;
  readonly #state: CacheState;
  readonly #holds: Holds;
  #hold: string | undefined;

  constructor(state: CacheState, holds: Holds, id: string, parent: ImmutableRef | undefined, hold: string | undefined) {
    this.#state = state;
    this.#holds = holds;
    this.id = id;
    this.parent = parent;
    this.#hold = hold;
  }

  async mount(): Promise<{ readonly mounts: readonly Mount[]; release(): Promise<void> }> {
    const key = snapshotKey('view');
    const hold = this.#holds.add(key);
    let mounts: Mount[];
    try {
      mounts = await this.#state.snapshotter.view(key, this.id);
    } catch (error) {
      this.#holds.remove(hold);
      throw error;
    }
    let released = false;
    return {
      mounts,
      release: async () => {
        if (released) return;
        released = true;
        await this.#state.snapshotter.remove(key);
        this.#holds.remove(hold);
      },
    };
  }

  layers(options: LayersOptions = {}): Promise<readonly LayerRecord[]> {
    return refLayers(this.#state, this, options);
  }

  clone(): ImmutableRef {
    return new CommittedRef(this.#state, this.#holds, this.id, this.parent, this.#holds.add(this.id));
  }

  async release(): Promise<void> {
    if (this.#hold === undefined) return;
    this.#holds.remove(this.#hold);
    this.#hold = undefined;
    touchSnapshot(this.#state, this.id);
  }
}

/**
 * A ref to committed snapshot `name`, with a new hold (or `hold` when given,
 * which the ref takes over). The hold is taken before the snapshot is looked
 * up, so a concurrent prune either sees it or has already removed the
 * snapshot (then this throws NotFoundError and leaves no hold).
 */
export async function openRef(state: CacheState, holds: Holds, name: string, hold?: string): Promise<ImmutableRef> {
  const own = hold ?? holds.add(name);
  try {
    const chain: string[] = [];
    for (let at: string | undefined = name; at !== undefined; ) {
      const info = await state.snapshotter.stat(at);
      if (info.kind !== 'committed') throw new NotFoundError(`snapshot ${JSON.stringify(at)} is ${info.kind}, not a committed ref`);
      chain.push(at);
      at = info.parent;
    }
    let parent: ImmutableRef | undefined;
    for (const id of chain.slice(1).reverse()) parent = new CommittedRef(state, holds, id, parent, undefined);
    touchSnapshot(state, name);
    return new CommittedRef(state, holds, name, parent, own);
  } catch (error) {
    holds.remove(own);
    if ((error as { code?: string }).code === 'NotFound') throw new NotFoundError(`cache ref ${JSON.stringify(name)} not found (pruned or never committed)`, { cause: error });
    throw error;
  }
}

/** An active snapshot handed out with a hold; commit turns it into a committed ref under a fresh name. */
export class ActiveRef implements MutableRef {
  readonly id: string;
  readonly mounts: readonly Mount[];
  readonly #state: CacheState;
  readonly #holds: Holds;
  readonly #hold: string;
  readonly #description: string | undefined;
  #done = false;

  constructor(state: CacheState, holds: Holds, key: string, mounts: readonly Mount[], hold: string, description: string | undefined) {
    this.#state = state;
    this.#holds = holds;
    this.id = key;
    this.mounts = mounts;
    this.#hold = hold;
    this.#description = description;
  }

  async commit(): Promise<ImmutableRef> {
    if (this.#done) throw new NotFoundError(`mutable ref ${JSON.stringify(this.id)} was already committed or released`);
    this.#done = true;
    const name = snapshotKey('ref');
    await this.#state.snapshotter.commit(name, this.id);
    this.#holds.move(this.#hold, name);
    touchSnapshot(this.#state, name, this.#description);
    return openRef(this.#state, this.#holds, name, this.#hold);
  }

  async release(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await this.#state.snapshotter.remove(this.id);
    this.#holds.remove(this.#hold);
  }
}
