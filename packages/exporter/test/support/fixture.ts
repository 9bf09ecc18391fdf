import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ExecutionContext } from 'ava';
import { loadArchive } from '@kiln/archive';
import { openContentRoot, type ContentRoot } from '@kiln/content';
import type { ExportableRef, ExportLayer } from '@kiln/exporter';
import { apply, diff } from '@kiln/layer';
import { parseImageConfig, parseImageManifest, type ImageConfig } from '@kiln/oci';
import { repoRoot } from '../../../../test/support/shared.ts';

const run = promisify(execFile);

/** A fresh temporary directory removed when the test ends (pass or fail). */
export function tempDir(t: ExecutionContext, prefix = 'kiln-exporter-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A kiln root in a temporary directory, closed and removed when the test ends. */
export async function tempRoot(t: ExecutionContext): Promise<ContentRoot> {
  const root = await openContentRoot(path.join(tempDir(t), 'root'));
  t.teardown(() => root.close());
  return root;
}

/** True when `command` is on PATH. */
export function hasTool(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => fs.existsSync(path.join(dir, command)));
}

/** Runs a tool and returns its stdout; the error carries stderr. */
export async function tool(command: string, args: readonly string[], options: { readonly cwd?: string } = {}): Promise<string> {
  try {
    return (await run(command, args, { maxBuffer: 64 << 20, ...options })).stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
  }
}

const makeBusybox = path.join(repoRoot, 'fixtures', 'images', 'make-busybox.sh');
/** The busybox fixture can be made here (its script, busybox-static). */
export const busyboxAvailable = fs.existsSync(makeBusybox) && fs.existsSync('/bin/busybox');
/** Tests that mount (the fake ref's overlay) and chown need root. */
export const isRoot = process.getuid?.() === 0;

let fixtureDir: Promise<string> | undefined;
/** The busybox OCI layout, made once per test process and removed when it exits. */
function busyboxLayout(): Promise<string> {
  fixtureDir ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-exporter-busybox-'));
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    await run('bash', [makeBusybox, path.join(dir, 'layout')]);
    return path.join(dir, 'layout');
  })();
  return fixtureDir;
}

/** busybox loaded into `root` as docker.io/library/busybox:latest: its layers and config. */
export async function loadBusybox(root: ContentRoot): Promise<{ layers: ExportLayer[]; config: ImageConfig }> {
  await loadArchive(root, await busyboxLayout(), { defaultRepository: 'busybox' });
  const target = root.images.get('docker.io/library/busybox:latest').target;
  const manifest = parseImageManifest((await root.content.readBytes(target.digest)).toString());
  const config = parseImageConfig((await root.content.readBytes(manifest.config.digest)).toString());
  return { layers: manifest.layers.map((descriptor, i) => ({ descriptor, diffId: config.rootfs.diff_ids[i]! })), config };
}

/**
 * A layer made from a directory the shell script `script` fills (run with
 * `sh -e` in it): written as a gzip layer blob into `root`'s content.
 */
export async function layerFromScript(t: ExecutionContext, root: ContentRoot, script: string): Promise<ExportLayer> {
  const dir = tempDir(t);
  execFileSync('sh', ['-ec', script], { cwd: dir });
  const result = await diff([], [{ type: 'bind', source: dir, options: ['rbind', 'ro'] }], root.content, { compression: 'gzip' });
  return { descriptor: result.descriptor, diffId: result.diffId };
}

/** The layer the export tests put on busybox: the kinds of entry a tree can hold. */
export const testLayerScript = `
mkdir -p app/sub
printf 'hello from kiln\\n' > app/hello.txt
printf 'hello from kiln\\n' > app/greeting.txt
chmod 0640 app/hello.txt
chown 1000:1000 app/hello.txt
ln app/hello.txt app/hardlink.txt
ln -s hello.txt app/link
ln -s /etc/passwd app/abs-link
printf '#!/bin/sh\\necho setuid\\n' > app/sub/tool
chmod 4755 app/sub/tool
chown 0:1000 app/sub
chmod 0750 app/sub
mkfifo app/fifo
mknod app/null c 1 3
touch -d 2031-01-01T00:00:00Z app/future
`;

/**
 * A stand-in for a cache ref: `layers()` returns the given records, and
 * `mount()` unpacks each layer into a directory of its own and shows them
 * stacked as one read-only overlay (a bind mount for a single layer), the
 * shape cache refs have. Each mount is torn down on release.
 */
export function fakeRef(t: ExecutionContext, root: ContentRoot, layers: readonly ExportLayer[]): ExportableRef & { mounted: () => number } {
  let live = 0;
  return {
    mounted: () => live,
    layers: async () => layers,
    mount: async () => {
      const base = tempDir(t, 'kiln-exporter-ref-');
      const dirs: string[] = [];
      for (const [i, layer] of layers.entries()) {
        const dir = path.join(base, String(i));
        fs.mkdirSync(dir);
        await apply(layer.descriptor, dir, { content: root.content, diffId: layer.diffId });
        dirs.unshift(dir);
      }
      live++;
      const mounts = dirs.length === 1
        ? [{ type: 'bind', source: dirs[0]!, options: ['rbind', 'ro'] }]
        : [{ type: 'overlay', source: 'overlay', options: [`lowerdir=${dirs.join(':')}`] }];
      return {
        mounts,
        release: async () => {
          live--;
          fs.rmSync(base, { recursive: true, force: true });
        },
      };
    },
  };
}
