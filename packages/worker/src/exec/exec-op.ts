import path from 'node:path';
import { NotFoundError } from '@kiln/errors';
import type { ExecMount as RuntimeMount } from '@kiln/executor';
import type { MutableRef } from '@kiln/cache';
import { outputCount, type DefinitionVertex, type ExecOp, proxyEnvironment } from '@kiln/llb';
import type { OpContext, Result, SolverOp } from '@kiln/solver';
import { asRef, hostTree, runCleanups, viewRef } from '../host-mount.js';
import { resolveInRoot } from '../copy/root-path.js';
import { toAbortSignal } from '../signal.js';
import type { WorkerOptions } from '../worker-context.js';
import { execCacheMap } from './exec-cache-map.js';
import { ExecError, OutputTail } from './exec-error.js';
import { readSecret, SecretDir } from './secrets.js';

interface Writable {
  readonly mutable: MutableRef;
  readonly output: number;
  release?: () => Promise<void>;
}

/**
 * The solver op of an llb exec vertex (RUN). exec: a writable tree on the
 * root input, the other mounts made (read-only views of inputs at their
 * selectors, cache mounts from the cache manager, tmpfs, secrets from a
 * private tmpfs, ssh agent sockets), the process run by the executor with
 * its output streamed to `ctx.log`, then every mount with an output committed
 * into an immutable ref. An exit code outside `validExitCodes` (default 0)
 * throws {@link ExecError} and keeps nothing. `ctx.signal` kills the process.
 */
export function execSolverOp(v: DefinitionVertex, op: ExecOp, options: WorkerOptions, contentDigest: SolverOp['contentDigest']): SolverOp {
  return {
    cacheMap: async () => execCacheMap(op, v.vertex.inputs.length, v.vertex.platform),
    contentDigest,
    exec: (inputs, ctx) => runExec(v, op, inputs, ctx, options),
  };
}

async function runExec(v: DefinitionVertex, op: ExecOp, inputs: readonly Result[], ctx: OpContext, options: WorkerOptions): Promise<Result[]> {
  const { cache, executor } = options;
  const cleanups: (() => Promise<void>)[] = [];
  const writables: Writable[] = [];
  const abort = toAbortSignal(ctx.signal);
  const input = (i: number) => (i < 0 ? undefined : asRef(inputs[i]!));
  try {
    const rootMount = op.mounts.find((m) => m.dest === '/')!;
    const root = await cache.newMutable(input(rootMount.input), { description: v.metadata.name });
    writables.push({ mutable: root, output: rootMount.output });

    const env = [...op.meta.env, ...proxyEnvironment(op.meta.proxyEnv)];
    const runtimeMounts: RuntimeMount[] = [];
    let secretDir: SecretDir | undefined;
    const secrets = (): SecretDir => {
      if (secretDir === undefined) {
        const dir = SecretDir.create();
        secretDir = dir;
        cleanups.push(async () => dir.release());
      }
      return secretDir;
    };
    let sshCount = 0;

    // Parents before children, so a mount inside another lands on top of it.
    const others = op.mounts.filter((m) => m !== rootMount).sort((a, b) => depth(a.dest) - depth(b.dest));
    for (const m of others) {
      const destination = path.posix.resolve(op.meta.cwd || '/', m.dest);
      const bind = (source: string, readonly: boolean): void => {
        runtimeMounts.push({ type: 'bind', source, destination, options: ['rbind', readonly ? 'ro' : 'rw'] });
      };
      switch (m.type) {
        case 'bind': {
          if (m.readonly && m.input >= 0) {
            const tree = await viewRef(input(m.input)!);
            cleanups.push(() => tree.release());
            bind(resolveInRoot(tree.path, m.selector ?? '/'), true);
          } else {
            const mutable = await cache.newMutable(input(m.input), { description: `${v.metadata.name} ${m.dest}` });
            const w: Writable = { mutable, output: m.output };
            writables.push(w);
            const tree = hostTree(mutable.mounts);
            w.release = () => tree.release();
            bind(resolveInRoot(tree.path, m.selector ?? '/'), m.readonly);
          }
          break;
        }
        case 'cache': {
          const c = m.cache ?? { id: m.dest, sharing: 'shared' as const };
          const handle = await cache.cacheMount(c.id, c.sharing, { mode: c.mode, uid: c.uid, gid: c.gid });
          cleanups.push(() => handle.release());
          bind(handle.path, m.readonly);
          break;
        }
        case 'tmpfs': {
          const size = m.tmpfs?.size ?? 0;
          runtimeMounts.push({ type: 'tmpfs', source: 'tmpfs', destination, options: ['nosuid', 'nodev', 'strictatime', 'mode=1777', ...(size > 0 ? [`size=${size}`] : [])] });
          break;
        }
        case 'secret': {
          const s = m.secret ?? { id: path.posix.basename(m.dest), mode: 0o400, uid: 0, gid: 0, optional: false };
          const source = options.secrets?.get(s.id);
          const data = source === undefined ? undefined : readSecret(source);
          if (data === undefined) {
            if (s.optional) break;
            throw new NotFoundError(`secret ${s.id}: not found`);
          }
          runtimeMounts.push({ type: 'bind', source: secrets().write(data, s.mode, s.uid, s.gid), destination, options: ['rbind', 'ro', 'nosuid', 'nodev', 'noexec'] });
          break;
        }
        case 'ssh': {
          const s = m.ssh ?? { id: 'default', mode: 0o600, uid: 0, gid: 0, optional: false };
          const socket = options.ssh?.get(s.id);
          if (socket === undefined) {
            if (s.optional) break;
            throw new NotFoundError(`no SSH agent ${JSON.stringify(s.id)} was given to the build (--ssh ${s.id}=<socket>), which RUN --mount=type=ssh requires`);
          }
          runtimeMounts.push({ type: 'bind', source: socket, destination, options: ['rbind', 'rw'] });
          if (sshCount++ === 0) env.push(`SSH_AUTH_SOCK=${destination}`);
          break;
        }
      }
    }
    for (const s of op.secretEnv) {
      const source = options.secrets?.get(s.id);
      const data = source === undefined ? undefined : readSecret(source);
      if (data === undefined) {
        if (s.optional) continue;
        throw new NotFoundError(`secret ${s.id}: not found`);
      }
      env.push(`${s.name}=${Buffer.from(data).toString('utf8')}`);
    }

    const tail = new OutputTail();
    const output = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      tail.push(chunk);
      ctx.log(stream, chunk);
    };
    const { exitCode } = await executor.run({
      rootfs: root.mounts,
      mounts: runtimeMounts,
      process: { args: op.meta.args, env, cwd: op.meta.cwd || '/', user: op.meta.user },
      // The executor speaks BuildKit's modes: sandbox (its own namespace with outbound NAT), host, none.
      network: op.meta.network,
      ...(op.meta.hostname === undefined ? {} : { hostname: op.meta.hostname }),
      ...(op.meta.extraHosts === undefined ? {} : { extraHosts: op.meta.extraHosts.map((h) => `${h.ip} ${h.host}`) }),
      stdout: output('stdout'),
      stderr: output('stderr'),
      signal: abort.signal,
    });
    if (!(op.meta.validExitCodes ?? [0]).includes(exitCode)) throw new ExecError(op.meta.args, exitCode, tail.lines());

    // Unmount every host view before committing: a snapshot commits unmounted.
    for (const w of writables) await w.release?.();
    await runCleanups(cleanups);
    const results: Result[] = new Array<Result>(outputCount(v.vertex));
    try {
      for (const w of writables) {
        if (w.output >= 0) results[w.output] = await w.mutable.commit();
        else await w.mutable.release();
      }
    } catch (error) {
      for (const r of results) await r?.release().catch(() => {});
      throw error;
    }
    return results;
  } catch (error) {
    for (const w of writables) await w.release?.().catch(() => {});
    await runCleanups(cleanups).catch(() => {});
    for (const w of writables) await w.mutable.release().catch(() => {});
    throw error;
  } finally {
    abort.dispose();
  }
}

function depth(dest: string): number {
  return dest.split('/').filter(Boolean).length;
}
