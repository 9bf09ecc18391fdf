import type { ImmutableRef } from './contract.js';
import type { Holds } from './holds.js';
import { openRef } from './refs.js';
import type { CacheState } from './state.js';

/**
 * Cache records in the database: results (committed snapshot names) by
 * cache key, and each step's last key parts by stable id. A record keeps its
 * snapshots from prune; a record whose snapshot is gone anyway (removed by
 * hand) is dropped when loaded.
 */
export function createRecords(state: CacheState, holds: Holds) {
  return {
    async load(key: string): Promise<readonly ImmutableRef[] | undefined> {
      const row = state.db.prepare('SELECT results FROM cache_records WHERE key = ?').get(key) as { results: string } | undefined;
      if (row === undefined) return undefined;
      const refs: ImmutableRef[] = [];
      try {
        for (const name of JSON.parse(row.results) as string[]) refs.push(await openRef(state, holds, name));
      } catch (error) {
        await Promise.all(refs.map((r) => r.release()));
        if ((error as { code?: string }).code !== 'NotFound') throw error;
        state.db.prepare('DELETE FROM cache_records WHERE key = ?').run(key);
        return undefined;
      }
      state.db.prepare('UPDATE cache_records SET last_used = ? WHERE key = ?').run(Date.now(), key);
      return refs;
    },
    async save(key: string, results: readonly ImmutableRef[]): Promise<void> {
      const now = Date.now();
      state.db
        .prepare(
          `INSERT INTO cache_records (key, results, created, last_used) VALUES (?, ?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET results = excluded.results, last_used = excluded.last_used`,
        )
        .run(key, JSON.stringify(results.map((r) => r.id)), now, now);
    },
    async lastParts(stableId: string): Promise<unknown> {
      const row = state.db.prepare('SELECT parts FROM cache_parts WHERE stable_id = ?').get(stableId) as { parts: string } | undefined;
      return row === undefined ? undefined : JSON.parse(row.parts);
    },
    async recordParts(stableId: string, parts: unknown): Promise<void> {
      state.db
        .prepare('INSERT INTO cache_parts (stable_id, parts, updated) VALUES (?, ?, ?) ON CONFLICT (stable_id) DO UPDATE SET parts = excluded.parts, updated = excluded.updated')
        .run(stableId, JSON.stringify(parts), Date.now());
    },
  };
}
