// Nothing outside the source tree is read and nothing outside the
// destination tree is written: symlinks are resolved inside their roots;
// owner names come from the destination's /etc/passwd and /etc/group.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { copyAction, resolveInRoot } from '@kiln/worker';
import { ErrorCode, isKilnError } from '@kiln/errors';
import { copyOf, listTree, tempTrees, writeTree } from './support/tree.ts';

function setup(t: { teardown(fn: () => void): void }) {
  const trees = tempTrees();
  t.teardown(trees.cleanup);
  return trees;
}

test('resolveInRoot keeps .. and absolute links inside the root', (t) => {
  const { src } = setup(t);
  writeTree(src, [{ path: 'abs', type: 'symlink', target: '/etc' }, { path: 'up', type: 'symlink', target: '../../..' }, { path: 'etc/x', type: 'file' }]);
  t.is(resolveInRoot(src, '/abs/x'), path.join(src, 'etc/x'));
  t.is(resolveInRoot(src, 'up/etc'), path.join(src, 'etc'));
  t.is(resolveInRoot(src, '../../../../etc/passwd'), path.join(src, 'etc/passwd'));
  t.is(resolveInRoot(src, 'abs', false), path.join(src, 'abs'));
});

test('a symlink loop is an error, not a hang', (t) => {
  const { src } = setup(t);
  writeTree(src, [{ path: 'a', type: 'symlink', target: 'b' }, { path: 'b', type: 'symlink', target: 'a' }]);
  const err = t.throws(() => resolveInRoot(src, 'a/x'));
  t.true(isKilnError(err) && err.code === ErrorCode.InvalidArgument);
});

test('a symlink inside the source is copied as a symlink, target untouched', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'd/link', type: 'symlink', target: '/etc/passwd' }, { path: 'd/rel', type: 'symlink', target: '../x' }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('d', '/o/') });
  t.deepEqual(listTree(dest), ['o d', 'o/link l:/etc/passwd', 'o/rel l:../x']);
});

test('a source that is an absolute symlink resolves against the source root, never the host', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'pw', type: 'symlink', target: '/etc/passwd' }, { path: 'etc/passwd', type: 'file', data: 'inside' }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('pw', '/pw') });
  t.is(fs.readFileSync(path.join(dest, 'pw'), 'utf8'), 'inside');
});

test('a source symlink escaping upwards to a missing target is NotFound, not the host file', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'pw', type: 'symlink', target: '../../../../../../etc/passwd' }]);
  const err = await t.throwsAsync(copyAction({ srcRoot: src, destRoot: dest, action: copyOf('pw', '/pw') }));
  t.true(isKilnError(err) && err.code === ErrorCode.NotFound);
  t.false(fs.existsSync(path.join(dest, 'pw')));
});

test('a ../ source path is clamped to the source root', async (t) => {
  const { base, src, dest } = setup(t);
  fs.writeFileSync(path.join(base, 'outside'), 'secret');
  const err = await t.throwsAsync(copyAction({ srcRoot: src, destRoot: dest, action: copyOf('../outside', '/x') }));
  t.true(isKilnError(err) && err.code === ErrorCode.NotFound);
});

test('followSymlink false copies a top-level symlink as a link', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'l', type: 'symlink', target: 'f' }, { path: 'f', type: 'file' }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('l', '/l', { followSymlink: false }) });
  t.deepEqual(listTree(dest), ['l l:f']);
});

test('a wildcard match that is a symlink is followed inside the root', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'lnk.txt', type: 'symlink', target: '/real.txt' }, { path: 'real.txt', type: 'file', data: 'R' }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('lnk*', '/o/') });
  t.is(fs.readFileSync(path.join(dest, 'o/lnk.txt'), 'utf8'), 'R');
  t.false(fs.lstatSync(path.join(dest, 'o/lnk.txt')).isSymbolicLink());
});

test('a destination through an absolute symlink in the tree writes inside the tree', async (t) => {
  const { base, src, dest } = setup(t);
  const outside = path.join(base, 'outside');
  fs.mkdirSync(outside);
  writeTree(src, [{ path: 'f', type: 'file', data: 'x' }]);
  writeTree(dest, [{ path: 'evil', type: 'symlink', target: outside }, { path: 'up', type: 'symlink', target: '../../..' }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('f', '/evil/f') });
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('f', '/up/g') });
  t.deepEqual(fs.readdirSync(outside), []);
  t.true(fs.existsSync(path.join(dest, outside, 'f')), 'the link was resolved with the tree as /');
  t.true(fs.existsSync(path.join(dest, 'g')));
});

test('a file copied over a destination symlink replaces the link target inside the root', async (t) => {
  const { base, src, dest } = setup(t);
  fs.writeFileSync(path.join(base, 'victim'), 'keep');
  writeTree(src, [{ path: 'd/v', type: 'file', data: 'new' }]);
  writeTree(dest, [{ path: 'o/v', type: 'symlink', target: path.join(base, 'victim') }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('d', '/o/') });
  t.is(fs.readFileSync(path.join(base, 'victim'), 'utf8'), 'keep');
  t.is(fs.readFileSync(path.join(dest, 'o/v'), 'utf8'), 'new');
});

test('a directory copied over a destination symlink to a directory is refused, not followed', async (t) => {
  const { base, src, dest } = setup(t);
  const outside = path.join(base, 'outside');
  fs.mkdirSync(outside);
  writeTree(src, [{ path: 'd/sub/f', type: 'file' }]);
  writeTree(dest, [{ path: 'o/sub', type: 'symlink', target: outside }]);
  const err = await t.throwsAsync(copyAction({ srcRoot: src, destRoot: dest, action: copyOf('d', '/o/') }));
  t.true(isKilnError(err) && err.code === ErrorCode.FailedPrecondition);
  t.deepEqual(fs.readdirSync(outside), []);
});

test('--chown names resolve in the destination /etc/passwd and /etc/group', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'f', type: 'file' }, { path: 'etc/passwd', type: 'file', data: 'app:x:4242:4343::/:/bin/sh\n' }]);
  writeTree(dest, [
    { path: 'etc/passwd', type: 'file', data: 'root:x:0:0:root:/root:/bin/sh\napp:x:1234:2345:app:/home/app:/bin/sh\n' },
    { path: 'etc/group', type: 'file', data: 'root:x:0:\nstaff:x:777:app\n' },
  ]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('f', '/a', { owner: { user: { name: 'app' } } }) });
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('f', '/b', { owner: { user: { name: 'app' }, group: { name: 'staff' } } }) });
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('f', '/c', { owner: { user: { id: 5 }, group: { name: 'staff' } } }) });
  const ids = (p: string) => {
    const st = fs.statSync(path.join(dest, p));
    return [st.uid, st.gid];
  };
  t.deepEqual(ids('a'), [1234, 2345]);
  t.deepEqual(ids('b'), [1234, 777]);
  t.deepEqual(ids('c'), [5, 777]);
});

test('--chown reads /etc/passwd inside the destination even when it is a symlink out', async (t) => {
  const { base, src, dest } = setup(t);
  fs.writeFileSync(path.join(base, 'passwd'), 'host:x:99:99::/:/bin/sh\n');
  writeTree(src, [{ path: 'f', type: 'file' }]);
  writeTree(dest, [{ path: 'etc/passwd', type: 'symlink', target: path.join(base, 'passwd') }]);
  const err = await t.throwsAsync(copyAction({ srcRoot: src, destRoot: dest, action: copyOf('f', '/a', { owner: { user: { name: 'host' } } }) }));
  t.true(isKilnError(err) && err.code === ErrorCode.NotFound);
  t.regex(err!.message, /host/);
});

test('an unknown --chown user or group is NotFound naming it', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'f', type: 'file' }]);
  writeTree(dest, [{ path: 'etc/passwd', type: 'file', data: 'root:x:0:0::/:/bin/sh\n' }, { path: 'etc/group', type: 'file', data: 'root:x:0:\n' }]);
  const u = await t.throwsAsync(copyAction({ srcRoot: src, destRoot: dest, action: copyOf('f', '/a', { owner: { user: { name: 'ghost' } } }) }));
  t.regex(u!.message, /user ghost/);
  const g = await t.throwsAsync(copyAction({ srcRoot: src, destRoot: dest, action: copyOf('f', '/a', { owner: { group: { name: 'ghosts' } } }) }));
  t.regex(g!.message, /group ghosts/);
});
