import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { comparePaths, type ImmutableRef, type KilnCacheManager, type TreeEntry } from '@kiln/cache';
import { InvalidArgumentError, NotFoundError } from '@kiln/errors';
import { WalkFilter, readIgnorePatterns } from '@kiln/patterns';
import { copyFileBytes } from '@kiln/sys';

/** Options of {@link syncLocalContext}. */
export interface LocalContextOptions {
  readonly cache: KilnCacheManager;
  /** The root's metadata database (the `source_local` table remembers each context's last snapshot). */
  readonly db: DatabaseSync;
  /** The context directory on the host. */
  readonly dir: string;
  /** Only these paths (and what is below them) enter the ref (`local.includepattern`); absent: everything. */
  readonly includePatterns?: readonly string[] | undefined;
  /** `.dockerignore` patterns (`local.excludepatterns`). */
  readonly excludePatterns?: readonly string[] | undefined;
}

/** What {@link syncLocalContext} did. */
export interface LocalContextResult {
  /** A committed ref holding exactly the selected files; the caller releases it. */
  readonly ref: ImmutableRef;
  /** True when the previous snapshot of this context was reused unchanged (nothing copied). */
  readonly reused: boolean;
  /** Entries in the ref (the root directory included). */
  readonly entries: number;
  /** Files copied from the host this time; the rest were hard-linked from the previous snapshot. */
  readonly copied: number;
}

const schema = `CREATE TABLE IF NOT EXISTS source_local (
  key TEXT PRIMARY KEY,
  snapshot TEXT NOT NULL,
  tree_digest TEXT NOT NULL,
  updated INTEGER NOT NULL,
  stamp_digest TEXT
)`;

/** Adds `stamp_digest` to a table made before it existed. */
function ensureSchema(db: DatabaseSync): void {
  db.exec(schema);
  const columns = db.prepare('PRAGMA table_info(source_local)').all() as { name: string }[];
  if (!columns.some((c) => c.name === 'stamp_digest')) db.exec('ALTER TABLE source_local ADD COLUMN stamp_digest TEXT');
}

/**
 * Who owns everything in a context snapshot: root, whoever owns the files on
 * the host. BuildKit's file sync does the same (`resetUIDAndGID`), so
 * `COPY` without `--chown` gives 0:0 and a bind mount of the context shows
 * root's files whatever user ran the build.
 */
const contextOwner = { uid: 0, gid: 0 } as const;

interface Selected {
  readonly rel: string;
  readonly abs: string;
  readonly st: fs.BigIntStats;
}

/**
 * Makes a ref of the local context: the files of `dir` that the include
 * and exclude patterns select (fsutil's filtered walk, pruning excluded
 * trees), as a committed base snapshot whose checksum index is recorded at
 * the same time, so `cache.checksum` of it never reads the snapshot.
 *
 * Incremental like BuildKit's file sync: every selected path is only
 * stat'ed. When every path has the stamp (inode, size, times, mode, owner)
 * it had at this context's previous sync, that snapshot is reused without
 * looking further. Otherwise a file is read only when its stamp changed
 * since it was last hashed (the cache's fingerprint table). When
 * the resulting tree digest equals the one of this context's previous
 * snapshot, that snapshot is reused and nothing is copied; otherwise a new
 * snapshot is filled, hard-linking unchanged files from the previous one
 * (snapshots are immutable, so sharing inodes is safe) and copying changed
 * ones. Everything in the snapshot is owned by root (see `contextOwner`).
 * Symlinks are copied as symlinks, never followed; only `dir` is read.
 * Sockets and other special files are left out (as `docker build` does).
 *
 * @throws NotFoundError when `dir` is missing; InvalidArgumentError when it
 *   is not a directory or a pattern is invalid.
 */
export async function syncLocalContext(options: LocalContextOptions): Promise<LocalContextResult> {
  ensureSchema(options.db);
  let root: string;
  try {
    root = fs.realpathSync(options.dir);
  } catch (cause) {
    throw new NotFoundError(`build context ${JSON.stringify(options.dir)} not found`, { cause });
  }
  const rootStat = fs.lstatSync(root, { bigint: true });
  if (!rootStat.isDirectory()) throw new InvalidArgumentError(`build context ${JSON.stringify(options.dir)} is not a directory`);
  const selected = walkContext(root, options);
  const key = createHash('sha256').update(JSON.stringify([root, options.includePatterns ?? [], options.excludePatterns ?? []])).digest('hex');
  const previous = options.db.prepare('SELECT snapshot, tree_digest, stamp_digest FROM source_local WHERE key = ?').get(key) as
    | { snapshot: string; tree_digest: string; stamp_digest: string | null }
    | undefined;
  const prevRef = previous === undefined ? undefined : await options.cache.get(previous.snapshot).catch(() => undefined);
  // Every path with the inode, size, times, mode and owner it had last time: no file can have changed.
  const stampDigest = stampsOf(rootStat, selected);
  if (prevRef !== undefined && previous!.stamp_digest === stampDigest) return { ref: prevRef, reused: true, entries: selected.length + 1, copied: 0 };
  try {
    const entries: TreeEntry[] = [await options.cache.entryOf(root, '', rootStat, contextOwner)];
    for (const s of selected) entries.push(await options.cache.entryOf(s.abs, s.rel, s.st, contextOwner));
    const treeDigest = digestOf(entries);
    const remember = (snapshot: string): void => {
      options.db
        .prepare(
          `INSERT INTO source_local (key, snapshot, tree_digest, updated, stamp_digest) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET snapshot = excluded.snapshot, tree_digest = excluded.tree_digest, updated = excluded.updated, stamp_digest = excluded.stamp_digest`,
        )
        .run(key, snapshot, treeDigest, Date.now(), stampDigest);
    };
    if (prevRef !== undefined && previous!.tree_digest === treeDigest) {
      remember(prevRef.id);
      return { ref: prevRef.clone(), reused: true, entries: entries.length, copied: 0 };
    }
    const { ref, copied, changedWhileCopying } = await fill(options.cache, root, rootStat, selected, entries, prevRef);
    // A file that changed under the copy was indexed as copied: its stamp is not the one walked, so the next build looks again.
    if (changedWhileCopying) options.db.prepare('DELETE FROM source_local WHERE key = ?').run(key);
    else remember(ref.id);
    return { ref, reused: false, entries: entries.length, copied };
  } finally {
    await prevRef?.release();
  }
}

/** A digest of what lstat says of every selected path (and the root): equal digests mean no entry was touched. */
function stampsOf(rootStat: fs.BigIntStats, selected: readonly Selected[]): string {
  const hash = createHash('sha256');
  const stamp = (rel: string, st: fs.BigIntStats): string => `${JSON.stringify(rel)} ${st.ino} ${st.size} ${st.mtimeNs} ${st.ctimeNs} ${st.mode} ${st.uid} ${st.gid}\n`;
  hash.update(stamp('', rootStat));
  let chunk = '';
  for (const s of selected) {
    chunk += stamp(s.rel, s.st);
    if (chunk.length > 1 << 16) {
      hash.update(chunk);
      chunk = '';
    }
  }
  hash.update(chunk);
  return hash.digest('hex');
}

/** The selected entries of `root`, depth-first with siblings in byte order (the order tree indexes use). */
function walkContext(root: string, options: LocalContextOptions): Selected[] {
  const filter = new WalkFilter<Selected>({ includePatterns: options.includePatterns, excludePatterns: options.excludePatterns });
  const out: Selected[] = [];
  const visitDir = (abs: string, rel: string): void => {
    for (const name of fs.readdirSync(abs).sort(comparePaths)) {
      const childAbs = `${abs}/${name}`;
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const st = fs.lstatSync(childAbs, { bigint: true });
      if (!(st.isFile() || st.isDirectory() || st.isSymbolicLink())) continue;
      const action = filter.visit(childRel, st.isDirectory(), { rel: childRel, abs: childAbs, st }, (_p, entry) => {
        out.push(entry);
      });
      if (st.isDirectory() && action !== 'skip-dir') visitDir(childAbs, childRel);
    }
  };
  visitDir(root, '');
  return out;
}

function digestOf(entries: readonly TreeEntry[]): string {
  const hash = createHash('sha256');
  for (const e of entries) hash.update(`${JSON.stringify(e.path)} ${e.digest}\n`);
  return hash.digest('hex');
}

async function fill(
  cache: KilnCacheManager,
  root: string,
  rootStat: fs.BigIntStats,
  selected: readonly Selected[],
  entries: TreeEntry[],
  prevRef: ImmutableRef | undefined,
): Promise<{ ref: ImmutableRef; copied: number; changedWhileCopying: boolean }> {
  const previous = prevRef === undefined ? undefined : await prevRef.mount();
  const prevDir = previous === undefined ? undefined : bindSource(previous.mounts);
  const prevDigests = new Map<string, string>();
  if (prevRef !== undefined && prevDir !== undefined) {
    // The previous snapshot's index says which of its files are byte-for-byte what we want.
    for (const e of await cache.treeIndex(prevRef)) if (e.kind === 'file') prevDigests.set(e.path, e.digest);
  }
  const mutable = await cache.newMutable(undefined, { description: `local context ${root}` });
  let copied = 0;
  let changedWhileCopying = false;
  try {
    const into = bindSource(mutable.mounts);
    if (into === undefined) throw new InvalidArgumentError('a base snapshot is expected to be a bind mount');
    const dirs: Selected[] = [{ rel: '', abs: root, st: rootStat }];
    for (let i = 0; i < selected.length; i++) {
      const s = selected[i]!;
      const target = path.join(into, s.rel);
      if (s.st.isDirectory()) {
        fs.mkdirSync(target);
        dirs.push(s);
      } else if (s.st.isSymbolicLink()) {
        fs.symlinkSync(fs.readlinkSync(s.abs), target);
        fs.lchownSync(target, contextOwner.uid, contextOwner.gid);
      } else {
        const entry = entries[i + 1]!;
        if (prevDir !== undefined && prevDigests.get(s.rel) === entry.digest && tryLink(path.join(prevDir, s.rel), target)) continue;
        copyFileBytes(s.abs, target);
        copied++;
        fs.chownSync(target, contextOwner.uid, contextOwner.gid);
        fs.chmodSync(target, Number(s.st.mode) & 0o7777);
        fs.utimesSync(target, s.st.atime, s.st.mtime);
        const now = fs.lstatSync(s.abs, { bigint: true });
        // Changed between hashing and copying: index what was copied, not what was hashed.
        if (now.mtimeNs !== s.st.mtimeNs || now.ctimeNs !== s.st.ctimeNs || now.size !== s.st.size) {
          entries[i + 1] = await cache.entryOf(target, s.rel, fs.lstatSync(target, { bigint: true }));
          changedWhileCopying = true;
        }
      }
    }
    // Directory modes and times last: adding entries would change the times, a read-only mode would refuse them.
    for (const d of dirs.reverse()) {
      const target = d.rel === '' ? into : path.join(into, d.rel);
      fs.chownSync(target, contextOwner.uid, contextOwner.gid);
      fs.chmodSync(target, Number(d.st.mode) & 0o7777);
      fs.utimesSync(target, d.st.atime, d.st.mtime);
    }
  } catch (error) {
    await mutable.release();
    throw error;
  } finally {
    await previous?.release();
  }
  const ref = await mutable.commit();
  cache.recordIndex(ref, entries);
  return { ref, copied, changedWhileCopying };
}

function tryLink(from: string, to: string): boolean {
  try {
    fs.linkSync(from, to);
    return true;
  } catch {
    return false; // a link count limit or another filesystem: copy instead
  }
}

function bindSource(mounts: readonly { type: string; source: string; target?: string | undefined }[]): string | undefined {
  const only = mounts[0];
  return mounts.length === 1 && only!.type === 'bind' ? only!.source : undefined;
}

/**
 * The `.dockerignore` patterns of a context: `<Dockerfile>.dockerignore`
 * beside the Dockerfile when it is inside the context, else `.dockerignore`
 * at the context root (BuildKit's rule). Only files inside the context are
 * read. `dockerfilePath` is relative to the context.
 */
export async function contextIgnorePatterns(contextDir: string, dockerfilePath = 'Dockerfile'): Promise<{ patterns: string[]; source: string | undefined }> {
  return readIgnorePatterns(dockerfilePath, (name) => {
    try {
      // Through symlinks too, the file read must be inside the context.
      const root = fs.realpathSync(contextDir);
      const abs = fs.realpathSync(path.resolve(root, name));
      if (!abs.startsWith(`${root}/`)) return undefined;
      return fs.readFileSync(abs, 'utf8');
    } catch {
      return undefined;
    }
  });
}
