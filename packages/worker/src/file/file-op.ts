import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ImmutableRef, MutableRef } from '@kiln/cache';
import { outputCount, type DefinitionVertex, type FileOp } from '@kiln/llb';
import type { OpContext, Result, SolverOp } from '@kiln/solver';
import { isBindMount, parseMountOptions, type Mount } from '@kiln/sys';
import { copyAction, type DirectDestination } from '../copy/copy-action.js';
import { asRef, hostTree, runCleanups, viewRef, type HostTree } from '../host-mount.js';
import { toAbortSignal } from '../signal.js';
import type { WorkerOptions } from '../worker-context.js';
import { fileCacheMap } from './file-cache-map.js';
import { mkdirAction, mkfileAction, rmAction, symlinkAction } from './file-actions.js';

/** An action's result while the op runs: a mounted writable tree, or, once committed, a ref. */
type ActionState = { kind: 'mutable'; mutable: MutableRef; tree: HostTree } | { kind: 'ref'; ref: ImmutableRef };

/**
 * The solver op of an llb file vertex (COPY, ADD, WORKDIR): its actions run
 * in order, each on a writable tree made from its `input` (a vertex input,
 * an earlier action's result, or empty), copies reading their
 * `secondaryInput` through a read-only view. An action whose result only
 * feeds the next one continues on the same tree; every action with an output
 * is committed into an immutable ref. Nothing is kept when one fails.
 */
export function fileSolverOp(v: DefinitionVertex, op: FileOp, options: WorkerOptions, contentDigest: SolverOp['contentDigest']): SolverOp {
  return {
    cacheMap: async () => fileCacheMap(op, v.vertex.inputs.length, v.vertex.platform),
    contentDigest,
    exec: (inputs, ctx) => runFileOp(v, op, inputs, ctx, options),
  };
}

async function runFileOp(v: DefinitionVertex, op: FileOp, inputs: readonly Result[], ctx: OpContext, options: WorkerOptions): Promise<Result[]> {
  const { cache } = options;
  const n = inputs.length;
  const uses = new Array<number>(op.actions.length).fill(0);
  for (const a of op.actions) for (const idx of [a.input, a.secondaryInput]) if (idx >= n) uses[idx - n]!++;
  const states: (ActionState | undefined)[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  const abort = toAbortSignal(ctx.signal);

  const commit = async (j: number): Promise<ImmutableRef> => {
    const s = states[j]!;
    if (s.kind === 'ref') return s.ref;
    await s.tree.release();
    const ref = await s.mutable.commit();
    states[j] = { kind: 'ref', ref };
    return ref;
  };

  try {
    for (let i = 0; i < op.actions.length; i++) {
      const fa = op.actions[i]!;
      abort.signal.throwIfAborted();
      let state: ActionState & { kind: 'mutable' };
      const j = fa.input - n;
      const prev = fa.input >= n ? states[j] : undefined;
      if (prev?.kind === 'mutable' && uses[j] === 1 && op.actions[j]!.output < 0) {
        // Only this action uses the earlier tree: keep writing to it.
        state = prev;
        states[j] = undefined;
      } else {
        const base = fa.input < 0 ? undefined : fa.input < n ? asRef(inputs[fa.input]!) : await commit(j);
        const mutable = await cache.newMutable(base, { description: v.metadata.name });
        try {
          state = { kind: 'mutable', mutable, tree: hostTree(mutable.mounts) };
        } catch (error) {
          await mutable.release();
          throw error;
        }
      }
      states[i] = state;
      const dest = state.tree.path;
      const a = fa.action;
      if (a.kind === 'copy') {
        const src = await secondaryTree(fa.secondaryInput, n, inputs, states, cleanups);
        let detached = false;
        const direct = directDestination(state.mutable.mounts, async () => {
          detached = true;
          await state.tree.release();
        });
        try {
          await copyAction({ srcRoot: src.path, srcImmutable: src.immutable, destRoot: dest, action: a, signal: abort.signal, ...(direct === undefined ? {} : { direct }) });
        } finally {
          // Later actions and the commit expect the tree mounted, at a new place.
          if (detached) state.tree = hostTree(state.mutable.mounts);
        }
      } else if (a.kind === 'mkdir') await mkdirAction(dest, a);
      else if (a.kind === 'mkfile') await mkfileAction(dest, a);
      else if (a.kind === 'rm') await rmAction(dest, a);
      else await symlinkAction(dest, a);
    }
    await runCleanups(cleanups);
    const results: Result[] = new Array<Result>(outputCount(v.vertex));
    for (let i = 0; i < op.actions.length; i++) {
      const out = op.actions[i]!.output;
      if (out >= 0 && states[i] !== undefined) results[out] = (await commit(i)).clone();
    }
    await releaseStates(states);
    return results;
  } catch (error) {
    await runCleanups(cleanups).catch(() => {});
    await releaseStates(states).catch(() => {});
    throw error;
  } finally {
    abort.dispose();
  }
}

/**
 * The host path of a copy's source tree, and whether it is an immutable
 * snapshot's tree (files there may be linked); views made here are released
 * through `cleanups`.
 */
async function secondaryTree(
  idx: number,
  n: number,
  inputs: readonly Result[],
  states: readonly (ActionState | undefined)[],
  cleanups: (() => Promise<void>)[],
): Promise<{ path: string; immutable: boolean }> {
  if (idx < 0) {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-empty-'));
    cleanups.push(async () => fs.rmdirSync(empty));
    return { path: empty, immutable: false };
  }
  const s = idx >= n ? states[idx - n] : undefined;
  if (s?.kind === 'mutable') return { path: s.tree.path, immutable: false };
  const tree = await viewRef(idx < n ? asRef(inputs[idx]!) : (s as { ref: ImmutableRef }).ref);
  cleanups.push(() => tree.release());
  return { path: tree.path, immutable: true };
}

/**
 * Where a copy can write below a mutable tree without its mount: an
 * overlay's upper directory (detaching unmounts the tree), or the directory
 * of a tree that is used where it is (detaching does nothing).
 */
function directDestination(mounts: readonly Mount[], unmount: () => Promise<void>): DirectDestination | undefined {
  if (mounts.length !== 1) return undefined;
  const only = mounts[0]!;
  if (isBindMount(only) && (only.target ?? '') === '') return { dir: only.source, detach: async () => {} };
  if (only.type !== 'overlay') return undefined;
  const upper = parseMountOptions(only.options).data.find((o) => o.startsWith('upperdir='));
  return upper === undefined ? undefined : { dir: upper.slice('upperdir='.length), detach: unmount };
}

async function releaseStates(states: (ActionState | undefined)[]): Promise<void> {
  for (let i = 0; i < states.length; i++) {
    const s = states[i];
    states[i] = undefined;
    if (s === undefined) continue;
    if (s.kind === 'mutable') {
      await s.tree.release().catch(() => {});
      await s.mutable.release();
    } else await s.ref.release();
  }
}
