import { writeTransaction } from '@kiln/content';
import { dropIndex } from './checksum/tree-index.js';
import type { Holds } from './holds.js';
import { layerRootOwner, type CacheState } from './state.js';

/** Options of prune. */
export interface PruneOptions {
  /** Keep up to this many bytes of unused snapshots, the most recently used first (default 0: remove every unused one). */
  readonly keepBytes?: number;
  /** Drop cache records not used for this long first (milliseconds), so their snapshots become unused. */
  readonly recordMaxAgeMs?: number;
}

/**
 * Removes snapshots nothing uses. First the leftovers of dead processes:
 * their holds, and the active snapshots and views they held (or that no hold
 * names at all). Then committed snapshots with no live hold, no cache record
 * and no children, least recently used first, leaves before their parents,
 * until what remains unused fits `keepBytes`. Each removal is decided in the
 * same database transaction that removes the snapshot's row, so a hold or
 * record another process adds meanwhile is respected.
 */
export async function prune(state: CacheState, holds: Holds, options: PruneOptions = {}): Promise<{ freedBytes: number }> {
  holds.sweepDead();
  if (options.recordMaxAgeMs !== undefined) state.db.prepare('DELETE FROM cache_records WHERE last_used < ?').run(Date.now() - options.recordMaxAgeMs);
  let freed = 0;
  const infos = [];
  for await (const info of state.snapshotter.walk()) infos.push(info);
  const held = holds.held();
  for (const info of infos) {
    if (info.kind === 'committed' || held.has(info.name)) continue;
    await state.snapshotter.remove(info.name).catch(() => undefined);
  }
  const keep = options.keepBytes ?? 0;
  for (;;) {
    const candidates = await unused(state, holds);
    if (candidates.length === 0) break;
    let total = 0;
    for (const c of candidates) total += c.size;
    if (total <= keep) break;
    const victim = candidates[0]!;
    if (!(await removeIfUnused(state, holds, victim.name))) break;
    freed += victim.size;
  }
  return { freedBytes: freed };
}

interface Candidate {
  readonly name: string;
  readonly size: number;
  readonly lastUsed: number;
}

/** Committed snapshots nothing uses, least recently used first; leaves only (a parent comes free once its children are gone). */
async function unused(state: CacheState, holds: Holds): Promise<Candidate[]> {
  const recorded = recordedSnapshots(state);
  const held = holds.held();
  const parents = new Set<string>();
  const committed: string[] = [];
  for await (const info of state.snapshotter.walk()) {
    if (info.parent !== undefined) parents.add(info.parent);
    if (info.kind === 'committed') committed.push(info.name);
  }
  const out: Candidate[] = [];
  for (const name of committed) {
    if (parents.has(name) || held.has(name) || recorded.has(name)) continue;
    const row = state.db.prepare('SELECT last_used FROM cache_snapshots WHERE name = ?').get(name) as { last_used: number } | undefined;
    out.push({ name, size: (await state.snapshotter.usage(name)).size, lastUsed: row?.last_used ?? 0 });
  }
  return out.sort((a, b) => a.lastUsed - b.lastUsed);
}

function recordedSnapshots(state: CacheState): Set<string> {
  const rows = state.db.prepare('SELECT results FROM cache_records').all() as { results: string }[];
  return new Set(rows.flatMap((row) => JSON.parse(row.results) as string[]));
}

async function removeIfUnused(state: CacheState, holds: Holds, name: string): Promise<boolean> {
  let removal: Promise<void> | undefined;
  writeTransaction(state.db, () => {
    if (holds.isHeld(name) || recordedSnapshots(state).has(name)) return;
    // The snapshotter's remove joins this transaction for its synchronous part (row and rename).
    removal = state.snapshotter.remove(name);
  });
  if (removal === undefined) return false;
  try {
    await removal;
  } catch (error) {
    // A child appeared meanwhile (FailedPrecondition): it is in use after all.
    if ((error as { code?: string }).code === 'FailedPrecondition') return false;
    throw error;
  }
  // Only now: had the removal failed, the snapshot would still need its layer records.
  state.db.prepare('DELETE FROM cache_layers WHERE snapshot = ?').run(name);
  state.db.prepare('DELETE FROM cache_snapshots WHERE name = ?').run(name);
  state.gcRoots.delete(layerRootOwner(name));
  dropIndex(state, name);
  return true;
}
