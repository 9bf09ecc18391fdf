import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { FailedPreconditionError, InvalidArgumentError } from '@kiln/errors';
import type { Mount } from '@kiln/sys';
import { diskUsage } from './disk-usage.js';
import type { SnapshotDirs, SnapshotDriverOps } from './driver.js';
import { SnapshotMetadata, type SnapshotRecord } from './metadata.js';
import type { SnapshotInfo, SnapshotOptions, Snapshotter, SnapshotterDriver, SnapshotUsage } from './snapshotter.js';

/** What every snapshotter implementation is built from. */
export interface SnapshotterOptions {
  /** The state root (KILN_ROOT); snapshots live in `<root>/snapshots/<id>/{fs,work}`. */
  readonly root: string;
  /**
   * The metadata database (`openMetadataDatabase` of `@kiln/content`, or any
   * `node:sqlite` DatabaseSync). The snapshotter creates its `snapshot_*`
   * tables; the caller keeps ownership and closes it.
   */
  readonly db: DatabaseSync;
}

/** Temporary directories older than this belong to a dead process and may be swept by cleanup. */
const staleTempMs = 60 * 60 * 1000;

/**
 * The {@link Snapshotter} over `<root>/snapshots/<id>` directories and SQLite
 * metadata; a {@link SnapshotDriverOps} supplies what differs between overlayfs
 * and copying. New snapshots are built in a temporary directory and renamed to
 * their id inside the transaction that creates their row, so other processes
 * never see a half-made snapshot.
 */
class DirectorySnapshotter implements Snapshotter {
  readonly driver: SnapshotterDriver;
  readonly #ops: SnapshotDriverOps;
  readonly #meta: SnapshotMetadata;
  readonly #dir: string;

  constructor(options: SnapshotterOptions, ops: SnapshotDriverOps) {
    this.driver = ops.name;
    this.#ops = ops;
    this.#meta = new SnapshotMetadata(options.db, ops.name);
    this.#dir = path.join(options.root, 'snapshots');
    fs.mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
  }

  async stat(keyOrName: string): Promise<SnapshotInfo> {
    return info(this.#meta.get(keyOrName));
  }

  async usage(keyOrName: string): Promise<SnapshotUsage> {
    const record = this.#meta.get(keyOrName);
    if (record.kind === 'committed' && record.size !== undefined && record.inodes !== undefined) return { size: record.size, inodes: record.inodes };
    const usage = await diskUsage(this.#dirs(record.id).fs);
    // Measured on first use, not at commit: a commit of 20,000 files would walk them all again for a figure only prune asks for.
    if (record.kind === 'committed') this.#meta.setUsage(record.id, usage);
    return usage;
  }

  async mounts(key: string): Promise<Mount[]> {
    const record = this.#meta.get(key);
    if (record.kind === 'committed') throw new FailedPreconditionError(`snapshot ${JSON.stringify(key)} is committed; only active snapshots and views have mounts (make a view of it)`);
    return this.#ops.mounts(this.#dirs(record.id), record.kind, record.parentIds.map((id) => this.#dirs(id)));
  }

  prepare(key: string, parent?: string, options: SnapshotOptions = {}): Promise<Mount[]> {
    return this.#create('active', key, parent, options);
  }

  view(key: string, parent?: string, options: SnapshotOptions = {}): Promise<Mount[]> {
    return this.#create('view', key, parent, options);
  }

  async commit(name: string, key: string, options: SnapshotOptions = {}): Promise<void> {
    const record = this.#meta.get(key);
    if (record.kind !== 'active') throw new FailedPreconditionError(`snapshot ${JSON.stringify(key)} is ${record.kind}; only an active snapshot can be committed`);
    this.#meta.transaction(() => this.#meta.commit(name, key, undefined, options.labels));
  }

  async remove(keyOrName: string): Promise<void> {
    const doomed = this.#meta.transaction(() => {
      const record = this.#meta.remove(keyOrName);
      const from = path.join(this.#dir, String(record.id));
      const to = path.join(this.#dir, `rm-${record.id}`);
      try {
        fs.renameSync(from, to);
      } catch (error) {
        // A directory already gone (an earlier crash) must not keep the row alive.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      return to;
    });
    await fs.promises.rm(doomed, { recursive: true, force: true });
  }

  async *walk(): AsyncIterable<SnapshotInfo> {
    yield* this.#meta.all();
  }

  async cleanup(): Promise<number> {
    const live = this.#meta.allIds();
    let removed = 0;
    for (const entry of await fs.promises.readdir(this.#dir)) {
      const full = path.join(this.#dir, entry);
      const orphan = /^\d+$/.test(entry) ? !live.has(Number(entry)) : entry.startsWith('rm-') || (entry.startsWith('new-') && Date.now() - (await fs.promises.stat(full)).mtimeMs > staleTempMs);
      if (!orphan) continue;
      await fs.promises.rm(full, { recursive: true, force: true });
      removed++;
    }
    return removed;
  }

  async #create(kind: 'active' | 'view', key: string, parentName: string | undefined, options: SnapshotOptions): Promise<Mount[]> {
    if (key === '') throw new InvalidArgumentError('snapshot key is empty; expected a non-empty string');
    const parent = parentName === undefined ? undefined : this.#meta.committedParent(parentName);
    // Fail before copying a whole tree; the transaction below checks again.
    this.#meta.assertFree(key);
    const chain = parent === undefined ? [] : [parent.id, ...parent.parentIds];
    const parents = chain.map((id) => this.#dirs(id));
    const temp = fs.mkdtempSync(path.join(this.#dir, 'new-'));
    try {
      await this.#ops.populate({ fs: path.join(temp, 'fs'), work: path.join(temp, 'work') }, kind, parents);
      const id = this.#meta.transaction(() => {
        if (parent !== undefined && this.#meta.committedParent(parent.name).id !== parent.id) {
          throw new FailedPreconditionError(`parent ${JSON.stringify(parent.name)} was replaced while ${JSON.stringify(key)} was being prepared`);
        }
        const created = this.#meta.create(key, kind, parent?.id, options.labels ?? {});
        fs.renameSync(temp, path.join(this.#dir, String(created)));
        return created;
      });
      return this.#ops.mounts(this.#dirs(id), kind, parents);
    } catch (error) {
      await fs.promises.rm(temp, { recursive: true, force: true });
      throw error;
    }
  }

  #dirs(id: number): SnapshotDirs {
    const base = path.join(this.#dir, String(id));
    return { fs: path.join(base, 'fs'), work: path.join(base, 'work') };
  }
}

function info(record: SnapshotRecord): SnapshotInfo {
  return { kind: record.kind, name: record.name, parent: record.parent, labels: record.labels, created: record.created, updated: record.updated };
}

export { DirectorySnapshotter };
