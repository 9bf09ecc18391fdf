import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InternalError } from '@kiln/errors';
import type { ImmutableRef } from '@kiln/cache';
import type { Result } from '@kiln/solver';
import { isBindMount, mountAll, unmountAll, type Mount } from '@kiln/sys';

/** A tree made visible at a host path for as long as it is held. */
export interface HostTree {
  /** The host directory showing the tree. */
  readonly path: string;
  /** Unmounts it (when it was mounted) and removes the mount point. Idempotent. */
  release(): Promise<void>;
}

/**
 * Shows `mounts` (a snapshot's mounts) at a host directory. A single bind
 * mount is used where it is, without mounting (BuildKit's local mounter does
 * the same); anything else is mounted on a fresh private directory under the
 * system temporary directory, unmounted again by `release`.
 */
export function hostTree(mounts: readonly Mount[]): HostTree {
  if (mounts.length === 1 && isBindMount(mounts[0]!) && (mounts[0]!.target ?? '') === '') {
    return { path: mounts[0]!.source, release: async () => {} };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-mnt-'));
  try {
    mountAll(mounts, dir);
  } catch (error) {
    fs.rmdirSync(dir);
    throw error;
  }
  let released = false;
  return {
    path: dir,
    async release() {
      if (released) return;
      released = true;
      unmountAll(dir);
      fs.rmdirSync(dir);
    },
  };
}

/** A read-only host view of an immutable ref; `release` unmounts and lets go of the view. */
export async function viewRef(ref: ImmutableRef): Promise<HostTree> {
  const view = await ref.mount();
  let tree: HostTree;
  try {
    tree = hostTree(view.mounts);
  } catch (error) {
    await view.release();
    throw error;
  }
  return {
    path: tree.path,
    async release() {
      try {
        await tree.release();
      } finally {
        await view.release();
      }
    },
  };
}

/**
 * The solver hands back the results the worker made, typed as its opaque
 * `Result`; this checks one is a cache ref. Throws InternalError otherwise
 * (a result from another worker: a wiring bug).
 */
export function asRef(result: Result): ImmutableRef {
  const r = result as Partial<ImmutableRef>;
  if (typeof r.mount !== 'function' || typeof r.layers !== 'function') throw new InternalError(`result ${result.id} is not a cache ref`);
  return result as ImmutableRef;
}

/** Runs cleanups in reverse order, all of them, rethrowing the first failure after the rest ran. */
export async function runCleanups(cleanups: (() => Promise<void>)[]): Promise<void> {
  let first: unknown;
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()!();
    } catch (error) {
      first ??= error;
    }
  }
  if (first !== undefined) throw first;
}
