import test from 'ava';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { chooseSnapshotter, openSnapshotter } from '@kiln/snapshot';
import { mountsUnder } from '@kiln/snapshot/testsuite';
import { mount, unmountRecursive } from '@kiln/sys';

const roots: string[] = [];
const fresh = (): string => {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-choose-')));
  roots.push(d);
  return d;
};
test.afterEach.always((t) => {
  for (const d of roots.splice(0)) {
    t.deepEqual(mountsUnder(d), [], `nothing left mounted under ${d}`);
    unmountRecursive(d, 2);
    fs.rmSync(d, { recursive: true, force: true });
  }
});

test.serial('a root on ext4 or tmpfs gets overlayfs, and the probe leaves nothing behind', async (t) => {
  const root = fresh();
  const choice = await chooseSnapshotter(root);
  t.is(choice.driver, 'overlayfs', choice.reason);
  t.regex(choice.reason, /works/);
  t.deepEqual(fs.readdirSync(path.join(root, 'snapshots')), []);
});

test.serial('a root on overlayfs gets the copy snapshotter, and the reason says why', async (t) => {
  const base = fresh();
  for (const d of ['lower', 'upper', 'work', 'merged']) fs.mkdirSync(path.join(base, d));
  const merged = path.join(base, 'merged');
  mount({ type: 'overlay', source: 'overlay', options: [`lowerdir=${base}/lower`, `upperdir=${base}/upper`, `workdir=${base}/work`] }, merged);
  try {
    const choice = await chooseSnapshotter(path.join(merged, 'kiln'));
    t.is(choice.driver, 'copy');
    t.regex(choice.reason, /is on overlayfs/);
  } finally {
    unmountRecursive(merged);
  }
});

test.serial('without the right to mount (a user namespace, as rootless kiln runs) the probe picks copy', async (t) => {
  const root = fresh();
  const script = `import('@kiln/snapshot').then(async (m) => process.stdout.write(JSON.stringify(await m.chooseSnapshotter(${JSON.stringify(root)}))))`;
  const run = spawnSync('unshare', ['--user', '--map-root-user', process.execPath, '--input-type=module', '-e', script], { encoding: 'utf8' });
  t.is(run.error, undefined, 'util-linux unshare runs (user namespaces are available on this machine kind)');
  t.is(run.status, 0, run.stderr);
  const choice = JSON.parse(run.stdout) as { driver: string; reason: string };
  t.is(choice.driver, 'copy');
  t.regex(choice.reason, /EPERM/);
  t.deepEqual(fs.readdirSync(path.join(root, 'snapshots')), []);
});

test.serial('openSnapshotter reports its choice, and a configured driver wins', async (t) => {
  const root = fresh();
  const db = new DatabaseSync(path.join(root, 'metadata.db'));
  try {
    const auto = await openSnapshotter({ root, db });
    t.is(auto.snapshotter.driver, auto.choice.driver);
    const forced = await openSnapshotter({ root, db, driver: 'copy' });
    t.is(forced.snapshotter.driver, 'copy');
    t.is(forced.choice.reason, 'chosen by configuration');
    // Drivers keep separate namespaces in one database.
    await auto.snapshotter.prepare('same-key');
    await forced.snapshotter.prepare('same-key');
    t.is((await forced.snapshotter.stat('same-key')).kind, 'active');
  } finally {
    db.close();
  }
});

test.serial('openSnapshotter probes a root once per filesystem and kernel, and probes again when the record does not match', async (t) => {
  const root = fresh();
  const db = new DatabaseSync(path.join(root, 'metadata.db'));
  try {
    const first = await openSnapshotter({ root, db });
    const recordFile = path.join(root, 'snapshots', 'driver-probe.json');
    const record = JSON.parse(fs.readFileSync(recordFile, 'utf8'));
    t.is(record.driver, first.choice.driver);
    t.is(record.dev, String(fs.statSync(path.join(root, 'snapshots')).dev));
    const second = await openSnapshotter({ root, db });
    t.is(second.choice.driver, first.choice.driver);
    t.regex(second.choice.reason, /probed earlier/);
    fs.writeFileSync(recordFile, JSON.stringify({ ...record, kernel: 'another-kernel', driver: first.choice.driver === 'copy' ? 'overlayfs' : 'copy' }));
    const third = await openSnapshotter({ root, db });
    t.is(third.choice.driver, first.choice.driver);
    t.notRegex(third.choice.reason, /probed earlier/);
    t.is(JSON.parse(fs.readFileSync(recordFile, 'utf8')).kernel, record.kernel);
  } finally {
    db.close();
  }
});
