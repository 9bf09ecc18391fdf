import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mount, unmountAll } from '@kiln/sys';
import { copyDriver } from './copy-driver.js';
import { DirectorySnapshotter, type SnapshotterOptions } from './directory-snapshotter.js';
import { overlayDriver } from './overlay-driver.js';
import type { Snapshotter, SnapshotterDriver } from './snapshotter.js';

/** Which snapshotter suits a root, and why (for the CLI to report). */
export interface SnapshotterChoice {
  readonly driver: SnapshotterDriver;
  /** One sentence: what was probed and what came of it. */
  readonly reason: string;
}

/** statfs(2) f_type of overlayfs. */
const overlayfsMagic = 0x794c7630;

/**
 * Creates the overlayfs snapshotter on `options.root`. It needs overlayfs and
 * the right to mount it (root, or a user namespace that allows it) at the time
 * the mounts are used; {@link chooseSnapshotter} probes for that.
 */
export function createOverlaySnapshotter(options: SnapshotterOptions): Snapshotter {
  return new DirectorySnapshotter(options, overlayDriver);
}

/** Creates the copy snapshotter on `options.root` (works on any filesystem; costs a full tree copy per snapshot). */
export function createCopySnapshotter(options: SnapshotterOptions): Snapshotter {
  return new DirectorySnapshotter(options, copyDriver);
}

/**
 * Decides between overlayfs and copy for `root` by trying what overlayfs
 * needs there: an overlay mount with its upper and work directories inside
 * `<root>/snapshots`, a write through it and a deletion (which makes the kernel
 * create a whiteout). A root that is itself on overlayfs is refused without
 * probing, since overlayfs cannot host upper directories. The probe leaves no
 * mount and no directory behind. A failed probe is not an error but the
 * answer `copy`, with the failure as the reason; it throws only when
 * `<root>/snapshots` cannot be created or written (then no snapshotter works).
 */
export async function chooseSnapshotter(root: string): Promise<SnapshotterChoice> {
  const dir = path.join(root, 'snapshots');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (fs.statfsSync(dir).type === overlayfsMagic) {
    return { driver: 'copy', reason: `${dir} is on overlayfs, which cannot hold overlay upper directories` };
  }
  const probe = fs.mkdtempSync(path.join(dir, 'new-probe-'));
  const [lower, upper, work, merged] = ['lower', 'upper', 'work', 'merged'].map((d) => path.join(probe, d)) as [string, string, string, string];
  try {
    for (const d of [lower, upper, work, merged]) fs.mkdirSync(d);
    fs.writeFileSync(path.join(lower, 'old'), 'old');
    mount({ type: 'overlay', source: 'overlay', options: [`lowerdir=${lower}`, `upperdir=${upper}`, `workdir=${work}`] }, merged);
    try {
      fs.writeFileSync(path.join(merged, 'new'), 'new');
      fs.unlinkSync(path.join(merged, 'old'));
    } finally {
      unmountAll(merged);
    }
    if (!fs.lstatSync(path.join(upper, 'old')).isCharacterDevice()) throw new Error('deleting a lower file left no whiteout in the upper directory');
    return { driver: 'overlayfs', reason: `an overlay mount with upper directory in ${dir} works` };
  } catch (error) {
    return { driver: 'copy', reason: `overlayfs does not work in ${dir}: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    fs.rmSync(probe, { recursive: true, force: true });
  }
}

/**
 * Opens the snapshotter for a root: `options.driver` when given, otherwise the
 * one {@link chooseSnapshotter} picks. The probe's answer is remembered in
 * `<root>/snapshots/driver-probe.json` for the filesystem (device) and kernel
 * it was made on, so a root probes once rather than in every process (the
 * probe's mount, writes and removal cost 15–250 ms per `kiln build` on a busy
 * disk); a root moved to another filesystem or booted on another kernel is
 * probed again. Returns the choice so it can be reported.
 */
export async function openSnapshotter(options: SnapshotterOptions & { readonly driver?: SnapshotterDriver }): Promise<{ snapshotter: Snapshotter; choice: SnapshotterChoice }> {
  const choice = options.driver === undefined ? await rememberedChoice(options.root) : { driver: options.driver, reason: 'chosen by configuration' };
  const snapshotter = choice.driver === 'overlayfs' ? createOverlaySnapshotter(options) : createCopySnapshotter(options);
  return { snapshotter, choice };
}

interface ProbeRecord {
  readonly dev: string;
  readonly kernel: string;
  readonly driver: SnapshotterDriver;
  readonly reason: string;
}

/** {@link chooseSnapshotter}'s answer for `root`, from the record of an earlier probe on the same device and kernel when there is one. */
async function rememberedChoice(root: string): Promise<SnapshotterChoice> {
  const dir = path.join(root, 'snapshots');
  const file = path.join(dir, 'driver-probe.json');
  const here = (): { dev: string; kernel: string } | undefined => {
    try {
      return { dev: String(fs.statSync(dir).dev), kernel: os.release() };
    } catch {
      return undefined; // no snapshots directory yet: probe
    }
  };
  const now = here();
  if (now !== undefined) {
    try {
      const record = JSON.parse(fs.readFileSync(file, 'utf8')) as ProbeRecord;
      if (record.dev === now.dev && record.kernel === now.kernel && (record.driver === 'overlayfs' || record.driver === 'copy')) {
        return { driver: record.driver, reason: `${record.reason} (probed earlier on this filesystem and kernel)` };
      }
    } catch {
      // absent or unreadable: probe again
    }
  }
  const choice = await chooseSnapshotter(root);
  const after = here();
  if (after !== undefined) {
    const record: ProbeRecord = { ...after, driver: choice.driver, reason: choice.reason };
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, JSON.stringify(record));
      fs.renameSync(tmp, file); // atomic: a concurrent process reads the old record or the new one
    } catch {
      fs.rmSync(tmp, { force: true }); // a read-only root still works, it only probes every time
    }
  }
  return choice;
}
