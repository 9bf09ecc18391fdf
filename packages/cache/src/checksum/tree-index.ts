import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeTransaction } from '@kiln/content';
import { withMountedDir } from '@kiln/layer';
import type { Mount } from '@kiln/snapshot';
import type { ImmutableRef } from '../contract.js';
import type { CacheState } from '../state.js';
import { statement } from './statements.js';
import { walkTree, type TreeEntry, type TreeEntryKind } from './tree-entry.js';

/** Snapshots whose index was loaded lately (committed snapshots never change, so this cannot go stale). */
const recent = new Map<string, readonly TreeEntry[]>();
const recentLimit = 8;

/**
 * The index of a committed snapshot's whole tree (see {@link TreeEntry}),
 * sorted depth-first: from memory, from the database (`cache_tree_entries`),
 * or computed now by walking a read-only view of it and then stored, so each
 * snapshot is walked once per root.
 */
export async function treeIndex(state: CacheState, ref: ImmutableRef): Promise<readonly TreeEntry[]> {
  const cached = recent.get(ref.id) ?? loadIndex(state, ref.id);
  if (cached !== undefined) {
    remember(ref.id, cached);
    return cached;
  }
  const view = await ref.mount();
  try {
    const entries = await withMountedDir(view.mounts, true, (dir) => walkTree(state, dir));
    storeIndex(state, ref.id, entries);
    remember(ref.id, entries);
    return entries;
  } finally {
    await view.release();
  }
}

function remember(snapshot: string, entries: readonly TreeEntry[]): void {
  recent.delete(snapshot);
  recent.set(snapshot, entries);
  while (recent.size > recentLimit) recent.delete(recent.keys().next().value!);
}

function loadIndex(state: CacheState, snapshot: string): readonly TreeEntry[] | undefined {
  if (state.db.prepare('SELECT 1 FROM cache_tree_indexes WHERE snapshot = ?').get(snapshot) === undefined) return undefined;
  const rows = state.db.prepare('SELECT path, kind, target, digest FROM cache_tree_entries WHERE snapshot = ?').all(snapshot) as {
    path: string;
    kind: TreeEntryKind;
    target: string | null;
    digest: string;
  }[];
  // SQLite orders TEXT by bytes, but not depth-first ('a/b' after 'a-b'): sort as walks do.
  const entries = rows.map((r) => ({ path: r.path, kind: r.kind, target: r.target ?? undefined, digest: r.digest }));
  return entries.sort((a, b) => compareTreeOrder(a.path, b.path));
}

/** Depth-first order: paths compared component by component, in byte order. */
export function compareTreeOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a.replaceAll('/', '\0')), Buffer.from(b.replaceAll('/', '\0')));
}

/**
 * Stores the index of `snapshot` (replacing any), for a tree whose entries
 * were computed elsewhere (the local context source hashes the host files it
 * copies, so the snapshot need not be read again).
 */
export function storeIndex(state: CacheState, snapshot: string, entries: readonly TreeEntry[]): void {
  writeTransaction(state.db, () => {
    state.db.prepare('DELETE FROM cache_tree_entries WHERE snapshot = ?').run(snapshot);
    const insert = statement(state.db, 'INSERT INTO cache_tree_entries (snapshot, path, kind, target, digest) VALUES (?, ?, ?, ?, ?)');
    for (const e of entries) insert.run(snapshot, e.path, e.kind, e.target ?? null, e.digest);
    state.db.prepare('INSERT OR REPLACE INTO cache_tree_indexes (snapshot, created) VALUES (?, ?)').run(snapshot, Date.now());
  });
  recent.delete(snapshot);
}

/** Forgets the index of a removed snapshot. */
export function dropIndex(state: CacheState, snapshot: string): void {
  state.db.prepare('DELETE FROM cache_tree_entries WHERE snapshot = ?').run(snapshot);
  state.db.prepare('DELETE FROM cache_tree_indexes WHERE snapshot = ?').run(snapshot);
  recent.delete(snapshot);
}

