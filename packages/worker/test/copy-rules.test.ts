// The copier's BuildKit rules on plain directories: destinations, trailing
// slashes, directory contents, wildcards, metadata, hard links, --parents.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { copyAction } from '@kiln/worker';
import { ErrorCode, isKilnError } from '@kiln/errors';
import { copyOf, listTree, tempTrees, writeTree } from './support/tree.ts';

function setup(t: { teardown(fn: () => void): void }) {
  const trees = tempTrees();
  t.teardown(trees.cleanup);
  return trees;
}

test('a file to a missing path without a slash becomes that file', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'a', type: 'file', data: 'A' }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('a', '/b') });
  t.deepEqual(listTree(dest), ['b f']);
  t.is(fs.readFileSync(path.join(dest, 'b'), 'utf8'), 'A');
});

test('a file to a path with a trailing slash lands inside a new directory', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'a', type: 'file', data: 'A' }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('a', '/x/y/') });
  t.deepEqual(listTree(dest), ['x d', 'x/y d', 'x/y/a f']);
  t.is(fs.statSync(path.join(dest, 'x')).mode & 0o7777, 0o755);
});

test('a file to an existing directory without a slash lands inside it', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'a', type: 'file' }]);
  writeTree(dest, [{ path: 'b', type: 'dir' }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('a', '/b') });
  t.deepEqual(listTree(dest), ['b d', 'b/a f']);
});

test('a directory source copies its contents and merges into an existing directory', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'd/x', type: 'file' }, { path: 'd/sub/y', type: 'file' }]);
  writeTree(dest, [{ path: 'out/keep', type: 'file' }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('d', '/out') });
  t.deepEqual(listTree(dest), ['out d', 'out/keep f', 'out/sub d', 'out/sub/y f', 'out/x f']);
});

test('without dirCopyContents a directory is copied as itself into an existing directory', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'd/x', type: 'file' }]);
  writeTree(dest, [{ path: 'out', type: 'dir' }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('d', '/out', { dirCopyContents: false }) });
  t.deepEqual(listTree(dest), ['out d', 'out/d d', 'out/d/x f']);
});

test('the context root copied with "." keeps its layout', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'a', type: 'file' }, { path: 'b/c', type: 'file' }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('.', '/app/') });
  t.deepEqual(listTree(dest), ['app d', 'app/a f', 'app/b d', 'app/b/c f']);
});

test('an existing destination directory keeps its owner and mode; new ones take the source\'s', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'd', type: 'dir', mode: '0700', uid: 5, gid: 6 }, { path: 'd/sub', type: 'dir', mode: '0750', uid: 7, gid: 8 }]);
  writeTree(dest, [{ path: 'out', type: 'dir', mode: '0711', uid: 1, gid: 2 }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('d', '/out') });
  const out = fs.statSync(path.join(dest, 'out'));
  t.deepEqual([out.mode & 0o7777, out.uid, out.gid], [0o711, 1, 2]);
  const sub = fs.statSync(path.join(dest, 'out/sub'));
  t.deepEqual([sub.mode & 0o7777, sub.uid, sub.gid], [0o750, 7, 8]);
});

test('a file over an existing directory of the same name inside the tree fails', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'd/x', type: 'file' }]);
  writeTree(dest, [{ path: 'out/x/inner', type: 'file' }]);
  const err = await t.throwsAsync(copyAction({ srcRoot: src, destRoot: dest, action: copyOf('d', '/out') }));
  t.true(isKilnError(err) && err.code === ErrorCode.FailedPrecondition, String(err));
});

test('a missing source is NotFound, naming it', async (t) => {
  const { src, dest } = setup(t);
  const err = await t.throwsAsync(copyAction({ srcRoot: src, destRoot: dest, action: copyOf('nope', '/x') }));
  t.true(isKilnError(err) && err.code === ErrorCode.NotFound);
  t.regex(err!.message, /nope/);
});

test('createDestPath false needs the destination parent to exist', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'a', type: 'file' }]);
  const err = await t.throwsAsync(copyAction({ srcRoot: src, destRoot: dest, action: copyOf('a', '/no/such/a', { createDestPath: false }) }));
  t.true(isKilnError(err) && err.code === ErrorCode.NotFound);
});

test('wildcards match several files; a non-directory destination is refused', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'a.txt', type: 'file' }, { path: 'b.txt', type: 'file' }, { path: 'c.md', type: 'file' }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('*.txt', '/out/') });
  t.deepEqual(listTree(dest), ['out d', 'out/a.txt f', 'out/b.txt f']);
  const err = await t.throwsAsync(copyAction({ srcRoot: src, destRoot: dest, action: copyOf('*.txt', '/file') }));
  t.true(isKilnError(err) && err.code === ErrorCode.InvalidArgument);
});

test('a wildcard matching nothing is fine only when allowed', async (t) => {
  const { src, dest } = setup(t);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('*.none', '/out/') });
  t.deepEqual(listTree(dest), []);
  const err = await t.throwsAsync(copyAction({ srcRoot: src, destRoot: dest, action: copyOf('*.none', '/out/', { allowEmptyWildcard: false }) }));
  t.true(isKilnError(err) && err.code === ErrorCode.NotFound);
});

test('without allowWildcard a star is a literal name', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'a*', type: 'file', data: 'star' }, { path: 'ab', type: 'file' }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('a*', '/out/', { allowWildcard: false }) });
  t.deepEqual(listTree(dest), ['out d', 'out/a* f']);
});

test('wildcard matches that are directories copy their contents', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'd1/x', type: 'file' }, { path: 'd2/y', type: 'file' }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('d*', '/out/') });
  t.deepEqual(listTree(dest), ['out d', 'out/x f', 'out/y f']);
});

test('mode, owner, mtime and xattrs are preserved', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'f', type: 'file', mode: '4751', uid: 12, gid: 34 }]);
  fs.utimesSync(path.join(src, 'f'), 1000, 2000);
  let xattr = true;
  try {
    const { lsetxattr } = await import('@kiln/sys');
    lsetxattr(path.join(src, 'f'), 'user.kiln', 'v');
  } catch {
    xattr = false; // tmpfs without user xattrs
  }
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('f', '/f') });
  const st = fs.statSync(path.join(dest, 'f'));
  t.deepEqual([st.mode & 0o7777, st.uid, st.gid, st.mtimeMs], [0o4751, 12, 34, 2000_000]);
  if (xattr) {
    const { lgetxattr } = await import('@kiln/sys');
    t.is(lgetxattr(path.join(dest, 'f'), 'user.kiln')?.toString(), 'v');
  }
});

test('--chown with ids applies to files and to the parents it creates', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'f', type: 'file', uid: 3, gid: 3 }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('f', '/new/dir/', { owner: { user: { id: 1000 } } }) });
  for (const p of ['new', 'new/dir', 'new/dir/f']) {
    const st = fs.statSync(path.join(dest, p));
    t.deepEqual([st.uid, st.gid], [1000, 1000], p);
  }
});

test('--chmod octal and symbolic', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'd/f', type: 'file', mode: '0640' }, { path: 'd/s', type: 'dir', mode: '0700' }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('d', '/oct/', { mode: 0o755 }) });
  t.is(fs.statSync(path.join(dest, 'oct/f')).mode & 0o7777, 0o755);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('d', '/sym/', { mode: 'u+x,go=rX' }) });
  // X sees the u+x of the clause before it, as GNU chmod.
  t.is(fs.statSync(path.join(dest, 'sym/f')).mode & 0o7777, 0o755);
  t.is(fs.statSync(path.join(dest, 'sym/s')).mode & 0o7777, 0o755);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('d', '/sym2/', { mode: 'go=rX' }) });
  t.is(fs.statSync(path.join(dest, 'sym2/f')).mode & 0o7777, 0o644);
  t.is(fs.statSync(path.join(dest, 'sym2/s')).mode & 0o7777, 0o755);
  t.is(fs.statSync(path.join(dest, 'sym')).mode & 0o7777, 0o755, 'created parents stay 0755');
});

test('timestamp sets the mtime of everything copied', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'd/f', type: 'file' }, { path: 'd/l', type: 'symlink', target: 'f' }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('d', '/o/', { timestamp: 1_700_000_000 }) });
  for (const p of ['o/f', 'o/l']) t.is(fs.lstatSync(path.join(dest, p)).mtimeMs, 1_700_000_000_000, p);
});

test('hard links between copied files stay hard links', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'd/a', type: 'file', data: 'x' }]);
  fs.linkSync(path.join(src, 'd/a'), path.join(src, 'd/b'));
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('d', '/o/') });
  t.is(fs.statSync(path.join(dest, 'o/a')).ino, fs.statSync(path.join(dest, 'o/b')).ino);
  t.is(fs.statSync(path.join(dest, 'o/a')).nlink, 2);
});

test('a FIFO is re-created, not read', async (t) => {
  const { src, dest } = setup(t);
  const { mknod, FileType } = await import('@kiln/sys');
  mknod(path.join(src, 'pipe'), FileType.fifo | 0o600);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('pipe', '/pipe') });
  t.true(fs.lstatSync(path.join(dest, 'pipe')).isFIFO());
});

test('--parents keeps the source directories, from the root or from a /./ pivot', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'a/b/c.txt', type: 'file' }, { path: 'a/b/d.md', type: 'file' }, { path: 'x/b/c.txt', type: 'file' }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('*/b/*.txt', '/p/', { parents: true }) });
  t.deepEqual(listTree(path.join(dest, 'p')), ['a d', 'a/b d', 'a/b/c.txt f', 'x d', 'x/b d', 'x/b/c.txt f']);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('a/./b/c.txt', '/q/', { parents: true }) });
  t.deepEqual(listTree(path.join(dest, 'q')), ['b d', 'b/c.txt f']);
  const err = await t.throwsAsync(copyAction({ srcRoot: src, destRoot: dest, action: copyOf('a/missing', '/r/', { parents: true }) }));
  t.true(isKilnError(err) && err.code === ErrorCode.NotFound);
});

test('--exclude drops matching entries below each source', async (t) => {
  const { src, dest } = setup(t);
  writeTree(src, [{ path: 'd/a.png', type: 'file' }, { path: 'd/b.txt', type: 'file' }, { path: 'd/s/c.png', type: 'file' }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('d', '/o/', { excludePatterns: ['*.png', '**/*.png'] }) });
  t.deepEqual(listTree(path.join(dest, 'o')), ['b.txt f', 's d']);
});
