import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeTransaction } from '@kiln/content';
import { InvalidArgumentError } from '@kiln/errors';
import type { CacheMountHandle } from './contract.js';
import { identityAlive, ownIdentity } from '@kiln/content';
import type { CacheState } from './state.js';

/** How long a waiting `locked` user sleeps between looks at the holds, in milliseconds. */
const pollMs = 25;

type Sharing = 'shared' | 'private' | 'locked';

/**
 * Acquires the directory of cache mount `id` under
 * `<root>/cache-mounts/<sha256(id)>`. Holds live in the database
 * (`cache_mount_holds`, with the holder's process identity), so the rules
 * hold across processes and a crashed holder blocks nobody:
 * - `shared`: enters unless a `locked` user is inside;
 * - `locked`: waits until nobody is inside;
 * - `private`: takes the first of `<hash>`, `<hash>-1`, … that nobody is in
 *   (extra directories persist and are reused later).
 */
export async function acquireCacheMount(
  state: CacheState,
  id: string,
  sharing: Sharing,
  init: { readonly mode?: number; readonly uid?: number; readonly gid?: number } = {},
  signal?: AbortSignal,
): Promise<CacheMountHandle> {
  if (id === '') throw new InvalidArgumentError('cache mount id is empty; expected the id or target of RUN --mount=type=cache');
  if (!['shared', 'private', 'locked'].includes(sharing)) throw new InvalidArgumentError(`cache mount sharing ${JSON.stringify(sharing)}: expected shared, private or locked`);
  const base = path.join(state.root, 'cache-mounts', createHash('sha256').update(id).digest('hex'));
  const holdId = `mount-${randomBytes(8).toString('hex')}`;
  let dir: string | undefined;
  while (dir === undefined) {
    signal?.throwIfAborted();
    dir = writeTransaction(state.db, () => tryEnter(state, base, sharing, holdId));
    if (dir === undefined) await sleep(pollMs);
  }
  if (!fs.existsSync(dir)) create(dir, init);
  let released = false;
  return {
    path: dir,
    release: async () => {
      if (released) return;
      released = true;
      state.db.prepare('DELETE FROM cache_mount_holds WHERE id = ?').run(holdId);
    },
  };
}

function tryEnter(state: CacheState, base: string, sharing: Sharing, holdId: string): string | undefined {
  const holdsOf = (dir: string) => {
    const rows = state.db.prepare('SELECT id, sharing, owner FROM cache_mount_holds WHERE dir = ?').all(dir) as { id: string; sharing: string; owner: string }[];
    const live = rows.filter((row) => identityAlive(row.owner));
    for (const row of rows) if (!live.includes(row)) state.db.prepare('DELETE FROM cache_mount_holds WHERE id = ?').run(row.id);
    return live;
  };
  let dir: string | undefined;
  if (sharing === 'private') {
    for (let n = 0; dir === undefined; n++) {
      const candidate = n === 0 ? base : `${base}-${n}`;
      if (holdsOf(candidate).length === 0) dir = candidate;
    }
  } else {
    const live = holdsOf(base);
    const blocked = sharing === 'locked' ? live.length > 0 : live.some((row) => row.sharing === 'locked');
    if (blocked) return undefined;
    dir = base;
  }
  state.db.prepare('INSERT INTO cache_mount_holds (id, dir, sharing, owner) VALUES (?, ?, ?, ?)').run(holdId, dir, sharing, ownIdentity());
  return dir;
}

/** Creates a cache mount directory atomically (a temporary name renamed into place) with `init`'s mode and owner. */
function create(dir: string, init: { readonly mode?: number; readonly uid?: number; readonly gid?: number }): void {
  fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 });
  const temp = `${dir}.new-${randomBytes(4).toString('hex')}`;
  fs.mkdirSync(temp);
  fs.chmodSync(temp, init.mode ?? 0o755);
  if (init.uid !== undefined || init.gid !== undefined) fs.chownSync(temp, init.uid ?? 0, init.gid ?? 0);
  try {
    fs.renameSync(temp, dir);
  } catch (error) {
    fs.rmdirSync(temp);
    // A concurrent shared user created it first.
    if (!['EEXIST', 'ENOTEMPTY'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  }
}
