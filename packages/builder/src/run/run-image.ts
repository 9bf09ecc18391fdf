import path from 'node:path';
import { openCacheManager } from '@kiln/cache';
import { defaultKilnRoot, openContentRoot } from '@kiln/content';
import { OciExecutor, type NetworkMode } from '@kiln/executor';
import { openSnapshotter } from '@kiln/snapshot';
import { imageRef, resolveImage } from '@kiln/source';
import { hostPlatform } from '../build/build.js';

/** Options of {@link runImage}. */
export interface RunImageOptions {
  /** The image, by name (`hello:1`, `busybox`) in kiln's store. */
  readonly image: string;
  /** Replaces the image's CMD (arguments after the image name). */
  readonly args?: readonly string[];
  /** Replaces the image's ENTRYPOINT. */
  readonly entrypoint?: readonly string[];
  /** Extra `KEY=value` entries after the image's Env. */
  readonly env?: readonly string[];
  /** Default `sandbox`: a network namespace of its own with outbound access, as docker's bridge; `none` has only loopback. */
  readonly network?: NetworkMode;
  readonly root?: string;
  readonly stdout?: (chunk: Buffer) => void;
  readonly stderr?: (chunk: Buffer) => void;
  readonly signal?: AbortSignal;
}

/**
 * Runs an image from kiln's store once, with kiln's executor, the way
 * `docker run --rm` does: ENTRYPOINT + CMD (or the given ones), the image's
 * Env, WorkingDir and User, on a throw-away writable layer that is removed
 * afterwards. Resolves to the process's exit code.
 */
export async function runImage(options: RunImageOptions): Promise<number> {
  const root = options.root ?? defaultKilnRoot();
  const contentRoot = await openContentRoot(root);
  try {
    const { snapshotter } = await openSnapshotter({ root, db: contentRoot.db });
    const cache = openCacheManager({ root, contentRoot, snapshotter });
    const image = await resolveImage({ images: contentRoot.images, content: contentRoot.content, leases: contentRoot.leases }, options.image, hostPlatform());
    const base = await imageRef(cache, image);
    try {
      const scratch = await cache.newMutable(base, { description: `run ${options.image}` });
      try {
        const config = image.config.config ?? {};
        const entrypoint = options.entrypoint ?? config.Entrypoint ?? [];
        const cmd = options.args !== undefined && options.args.length > 0 ? options.args : options.entrypoint !== undefined ? [] : (config.Cmd ?? []);
        const result = await new OciExecutor({ stateDir: path.join(root, 'executor') }).run({
          rootfs: scratch.mounts,
          process: {
            args: [...entrypoint, ...cmd],
            env: [...(config.Env ?? []), ...(options.env ?? [])],
            cwd: config.WorkingDir === undefined || config.WorkingDir === '' ? '/' : config.WorkingDir,
            ...(config.User === undefined || config.User === '' ? {} : { user: config.User }),
          },
          network: options.network ?? 'sandbox',
          ...(options.stdout === undefined ? {} : { stdout: options.stdout }),
          ...(options.stderr === undefined ? {} : { stderr: options.stderr }),
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        });
        return result.exitCode;
      } finally {
        await scratch.release();
      }
    } finally {
      await base.release();
    }
  } finally {
    contentRoot.close();
  }
}
