// A throwaway kiln root with the real cache manager, snapshotter and OCI
// executor, a busybox base ref, and helpers to run worker ops on it directly.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCacheManager, type ImmutableRef, type KilnCacheManager } from '@kiln/cache';
import { openContentRoot, type ContentRoot } from '@kiln/content';
import { OciExecutor } from '@kiln/executor';
import { GraphBuilder, type DefinitionVertex, type ExecOp, type ExecMount, type Op } from '@kiln/llb';
import { openSnapshotter, type Snapshotter } from '@kiln/snapshot';
import type { OpContext, OpResolver, Result } from '@kiln/solver';
import { mountAll, unmountRecursive } from '@kiln/sys';
import { createWorker, type WorkerOptions } from '@kiln/worker';
import { repoRoot } from '../../../../test/support/shared.ts';

export interface WorkerRoot {
  readonly tmp: string;
  readonly cache: KilnCacheManager;
  readonly snapshotter: Snapshotter;
  readonly contentRoot: ContentRoot;
  readonly busybox: ImmutableRef;
  worker(overrides?: Partial<WorkerOptions>): OpResolver;
  close(): Promise<void>;
}

/** Opens the root and loads the busybox fixture's layer into a base ref. */
export async function openWorkerRoot(): Promise<WorkerRoot> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-worker-test-'));
  // The worker's own temporary directories (mount points, secret tmpfs, archive scratch) land here,
  // so a test sees only its own leftovers (ava runs files in parallel, sharing one mount table).
  const scratch = path.join(tmp, 'tmp');
  fs.mkdirSync(scratch);
  process.env.TMPDIR = scratch;
  const root = path.join(tmp, 'root');
  fs.mkdirSync(root);
  const contentRoot = await openContentRoot(root);
  const { snapshotter } = await openSnapshotter({ root, db: contentRoot.db });
  const cache = openCacheManager({ root, contentRoot, snapshotter });
  const executor = new OciExecutor({ stateDir: path.join(tmp, 'exec-state') });

  const layout = path.join(tmp, 'layout');
  execFileSync(path.join(repoRoot, 'fixtures/images/make-busybox.sh'), [layout], { stdio: 'ignore' });
  const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const blob = (d: string): string => path.join(layout, 'blobs/sha256', d.slice('sha256:'.length));
  const manifest = JSON.parse(fs.readFileSync(blob(index.manifests[0]!.digest), 'utf8')) as { layers: { digest: string }[] };
  const m = await cache.newMutable(undefined);
  await withTree(m.mounts, (dir) => execFileSync('tar', ['-xzf', blob(manifest.layers[0]!.digest), '-C', dir]));
  const busybox = await m.commit();

  return {
    tmp,
    cache,
    snapshotter,
    contentRoot,
    busybox,
    worker: (overrides = {}) => createWorker({ cache, executor, sources: {}, platform: { os: 'linux', architecture: 'amd64' }, ...overrides }),
    async close() {
      await busybox.release();
      cache.close();
      contentRoot.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Calls `use` with a host directory showing `mounts`. */
export async function withTree<T>(mounts: readonly { type: string; source: string; options: readonly string[] }[], use: (dir: string) => T | Promise<T>): Promise<T> {
  if (mounts.length === 1 && mounts[0]!.type === 'bind') return use(mounts[0]!.source);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-worker-test-mnt-'));
  try {
    mountAll(mounts, dir);
    try {
      return await use(dir);
    } finally {
      unmountRecursive(dir);
    }
  } finally {
    fs.rmdirSync(dir);
  }
}

/** Reads a committed ref's tree. */
export async function readRef<T>(ref: Result, use: (dir: string) => T | Promise<T>): Promise<T> {
  const view = await (ref as ImmutableRef).mount();
  try {
    return await withTree(view.mounts, use);
  } finally {
    await view.release();
  }
}

/** A recording OpContext. */
export function opContext(signal: AbortSignal = new AbortController().signal): OpContext & { logs: string[]; progressEvents: unknown[] } {
  const logs: string[] = [];
  const progressEvents: unknown[] = [];
  return {
    signal,
    logs,
    progressEvents,
    progress: (id, name, current, total) => void progressEvents.push({ id, name, current, total }),
    log: (stream, data) => void logs.push(`${stream}:${Buffer.from(data).toString()}`),
    warn: () => {},
  };
}

/** A definition vertex for `op` with `inputCount` placeholder inputs (digests of sources), as the solver would pass it. */
export function vertexOf(op: Op, inputCount = 0, name = 'test step'): DefinitionVertex {
  const g = new GraphBuilder();
  const inputs = Array.from({ length: inputCount }, (_, i) => g.add({ type: 'source', identifier: `local://in${i}`, attrs: {} }, []).output());
  const h = g.add(op, inputs, { metadata: { name } });
  return g.definition(h.output()).vertices.find((v) => v.digest === h.digest)!;
}

/** An exec op running `script` with /bin/sh on input 0, plus extra mounts. */
export function shOp(script: string, mounts: ExecMount[] = [], meta: Partial<ExecOp['meta']> = {}, secretEnv: ExecOp['secretEnv'] = []): ExecOp {
  return {
    type: 'exec',
    meta: { args: ['/bin/sh', '-c', script], env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], cwd: '/', user: '', network: 'none', security: 'sandbox', ...meta },
    mounts: [{ dest: '/', input: 0, output: 0, readonly: false, type: 'bind' }, ...mounts],
    secretEnv,
  };
}

/** Active (uncommitted) snapshots left in the root: must be none after every op. */
export async function activeSnapshots(root: WorkerRoot): Promise<string[]> {
  const out: string[] = [];
  for await (const info of root.snapshotter.walk()) if (info.kind !== 'committed') out.push(`${info.kind}:${info.name}`);
  return out;
}

/** Mounts below this root's temporary directory still present. */
export function strayMounts(root: WorkerRoot): string[] {
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(root.tmp));
}

/** The worker's temporary directories left behind (mount points, secret dirs, archive scratch). */
export function strayTempDirs(root: WorkerRoot): string[] {
  return fs.readdirSync(path.join(root.tmp, 'tmp')).filter((n) => n.startsWith('kiln-'));
}
