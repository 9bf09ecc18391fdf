import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, isKilnError } from '@kiln/errors';
import { ErrnoError, mount, mountAll, splitDevice, unmount, unmountAll, unmountRecursive, type Mount } from '@kiln/sys';
import { cleanUp, mountsUnder, tempDir } from './helpers.ts';

// Mount tests run serially: each asserts that nothing stays mounted under its own directory.
const dirs: string[] = [];
const fresh = (): string => {
  const d = tempDir('kiln-mount-');
  dirs.push(d);
  return d;
};
test.afterEach.always((t) => {
  for (const d of dirs.splice(0)) t.deepEqual(cleanUp(d), [], `nothing left mounted under ${d}`);
});

function mkdirs(root: string, ...names: string[]): string[] {
  return names.map((n) => {
    const p = path.join(root, n);
    fs.mkdirSync(p, { recursive: true });
    return p;
  });
}

test.serial('a bind mount shows the source and unmounts cleanly', (t) => {
  const [src, dst] = mkdirs(fresh(), 'src', 'dst') as [string, string];
  fs.writeFileSync(path.join(src, 'hello'), 'world');
  mount({ type: 'bind', source: src, options: ['rbind', 'rw'] }, dst);
  t.is(fs.readFileSync(path.join(dst, 'hello'), 'utf8'), 'world');
  t.deepEqual(mountsUnder(dst), [dst]);
  unmount(dst);
  t.deepEqual(mountsUnder(dst), []);
  t.false(fs.existsSync(path.join(dst, 'hello')));
});

test.serial('a read-only bind mount refuses writes with EROFS', (t) => {
  const [src, dst] = mkdirs(fresh(), 'src', 'dst') as [string, string];
  mount({ type: 'bind', source: src, options: ['rbind', 'ro'] }, dst);
  const error = t.throws(() => fs.writeFileSync(path.join(dst, 'x'), 'x')) as NodeJS.ErrnoException;
  t.is(error.code, 'EROFS');
  unmount(dst);
});

test.serial('an overlay merges lowers top first, writes go up, deletes leave a 0/0 whiteout', (t) => {
  const [low1, low2, up, work, merged] = mkdirs(fresh(), 'low1', 'low2', 'up', 'work', 'merged') as [string, string, string, string, string];
  fs.writeFileSync(path.join(low1, 'shared'), 'from low1');
  fs.writeFileSync(path.join(low2, 'shared'), 'from low2');
  fs.writeFileSync(path.join(low2, 'gone'), 'x');
  mount({ type: 'overlay', source: 'overlay', options: [`lowerdir=${low1}:${low2}`, `upperdir=${up}`, `workdir=${work}`] }, merged);
  t.is(fs.readFileSync(path.join(merged, 'shared'), 'utf8'), 'from low1');
  fs.writeFileSync(path.join(merged, 'new'), 'n');
  fs.unlinkSync(path.join(merged, 'gone'));
  t.false(fs.existsSync(path.join(merged, 'gone')));
  unmount(merged);
  t.is(fs.readFileSync(path.join(up, 'new'), 'utf8'), 'n');
  const wh = fs.lstatSync(path.join(up, 'gone'));
  t.true(wh.isCharacterDevice());
  t.deepEqual(splitDevice(wh.rdev), { major: 0, minor: 0 });
  t.true(fs.existsSync(path.join(low2, 'gone')));
});

test.serial('a tmpfs takes its data options (size, mode)', (t) => {
  const [dst] = mkdirs(fresh(), 'tmp') as [string];
  mount({ type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'size=1m', 'mode=700'] }, dst);
  t.is(fs.statSync(dst).mode & 0o777, 0o700);
  t.is(fs.statfsSync(dst).blocks * fs.statfsSync(dst).bsize, 1024 * 1024);
  unmount(dst);
});

test.serial('mountAll stacks mounts, honours Mount.target, and unmountRecursive removes them all', (t) => {
  const root = fresh();
  const [base, inner, dst] = mkdirs(root, 'base/sub', 'inner', 'dst') as [string, string, string];
  fs.writeFileSync(path.join(inner, 'deep'), 'd');
  const mounts: Mount[] = [
    { type: 'bind', source: path.dirname(base), options: ['rbind'] },
    { type: 'bind', source: inner, target: 'sub', options: ['rbind', 'ro'] },
  ];
  mountAll(mounts, dst);
  t.is(fs.readFileSync(path.join(dst, 'sub', 'deep'), 'utf8'), 'd');
  t.deepEqual(mountsUnder(dst).sort(), [dst, path.join(dst, 'sub')]);
  t.is(unmountRecursive(dst), 2);
  t.deepEqual(mountsUnder(dst), []);
});

test.serial('mountAll undoes the mounts it made when a later one fails', (t) => {
  const root = fresh();
  const [src, dst] = mkdirs(root, 'src', 'dst') as [string, string];
  const error = t.throws(() =>
    mountAll([
      { type: 'bind', source: src, options: ['rbind'] },
      { type: 'overlay', source: 'overlay', options: [`lowerdir=${path.join(root, 'missing')}:${src}`, `upperdir=${src}`, `workdir=${src}`] },
    ], dst),
  );
  t.true(isKilnError(error, ErrorCode.NotFound), String(error));
  t.deepEqual(mountsUnder(dst), []);
});

test.serial('unmounting what is not mounted is InvalidArgument (EINVAL); unmountAll tolerates it', (t) => {
  const [dst] = mkdirs(fresh(), 'dst') as [string];
  const error = t.throws(() => unmount(dst), { instanceOf: ErrnoError });
  t.is(error?.code, ErrorCode.InvalidArgument);
  t.is(error?.errnoName, 'EINVAL');
  t.is(unmountAll(dst), 0);
  t.is(unmountAll(path.join(dst, 'missing')), 0);
});

test.serial('unmountAll peels every mount stacked on one target', (t) => {
  const [a, b, dst] = mkdirs(fresh(), 'a', 'b', 'dst') as [string, string, string];
  mount({ type: 'bind', source: a, options: ['bind'] }, dst);
  mount({ type: 'bind', source: b, options: ['bind'] }, dst);
  t.is(unmountAll(dst), 2);
});
