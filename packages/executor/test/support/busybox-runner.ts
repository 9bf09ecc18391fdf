// One busybox root filesystem per test file and a fresh overlay over it per
// run, driven through a real OciExecutor; and the checks that a run left
// nothing behind.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OciExecutor, type ExecRequest } from '@kiln/executor';
import type { Mount } from '@kiln/sys';
import { repoRoot } from '../../../../test/support/shared.ts';

export interface RunOutput {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The overlay's upper dir: what the run changed. */
  readonly upper: string;
}

export interface BusyboxRunner {
  readonly tmp: string;
  readonly stateDir: string;
  readonly executor: OciExecutor;
  /** Unpacks the busybox fixture; call from test.before. */
  setup(): void;
  /** Removes everything; call from test.after.always. */
  teardown(): void;
  /** Runs `args` on a fresh overlay; other request fields pass through. */
  run(request: Partial<ExecRequest> & { args: string[] }): Promise<RunOutput>;
  /** What a run left behind: mounts below tmp, bundles, containers (each list empty when clean). */
  leftovers(): { mounts: string[]; bundles: string[]; containers: string };
}

export function busyboxRunner(prefix: string): BusyboxRunner {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const lower = path.join(tmp, 'busybox-rootfs');
  const stateDir = path.join(tmp, 'state');
  const executor = new OciExecutor({ stateDir });
  let counter = 0;

  const overlay = (): { rootfs: Mount[]; upper: string } => {
    const dir = path.join(tmp, `ov-${++counter}`);
    const upper = path.join(dir, 'upper');
    const work = path.join(dir, 'work');
    fs.mkdirSync(upper, { recursive: true });
    fs.mkdirSync(work);
    return { rootfs: [{ type: 'overlay', source: 'overlay', options: [`lowerdir=${lower}`, `upperdir=${upper}`, `workdir=${work}`] }], upper };
  };

  return {
    tmp,
    stateDir,
    executor,
    setup(): void {
      const layout = path.join(tmp, 'layout');
      execFileSync(path.join(repoRoot, 'fixtures/images/make-busybox.sh'), [layout], { stdio: 'ignore' });
      const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
      const blob = (d: string): string => path.join(layout, 'blobs/sha256', d.slice('sha256:'.length));
      const manifest = JSON.parse(fs.readFileSync(blob(index.manifests[0]!.digest), 'utf8')) as { layers: { digest: string }[] };
      fs.mkdirSync(lower);
      execFileSync('tar', ['-xzf', blob(manifest.layers[0]!.digest), '-C', lower]);
    },
    teardown(): void {
      fs.rmSync(tmp, { recursive: true, force: true });
    },
    async run(request) {
      const { rootfs, upper } = overlay();
      let stdout = '';
      let stderr = '';
      const { args, process: proc, ...rest } = request;
      const result = await executor.run({
        rootfs,
        process: { env: [], cwd: '/', ...proc, args },
        stdout: (c) => (stdout += c.toString()),
        stderr: (c) => (stderr += c.toString()),
        ...rest,
      });
      return { exitCode: result.exitCode, stdout, stderr, upper };
    },
    leftovers() {
      const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(tmp));
      const bundles = fs.existsSync(stateDir) ? fs.readdirSync(stateDir).filter((n) => n.startsWith('run-')) : [];
      const runtime = executor.runtime;
      const [file, ...rest] = runtime.command;
      const stateRoot = path.join(stateDir, runtime.name);
      const containers = fs.existsSync(stateRoot) ? execFileSync(file!, [...rest, '--root', stateRoot, 'list', '-q'], { encoding: 'utf8' }).trim() : '';
      return { mounts, bundles, containers };
    },
  };
}
