// ADD of local archives: extracted whatever the compression, merged into the
// destination, and unable to write outside it through its own links or links
// already in the destination.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { copyAction } from '@kiln/worker';
import { copyOf, listTree, tempTrees, writeTree } from './support/tree.ts';

function setup(t: { teardown(fn: () => void): void }) {
  const trees = tempTrees();
  t.teardown(trees.cleanup);
  return trees;
}

const add = (src: string, dest: string) => copyOf(src, dest, { attemptUnpackDockerCompatibility: true });

/** Makes `name` in `dir` as a tar of `content` (a directory), compressed with `flag` (`-z`, `-j`, `-J`, `--zstd` or none). */
function makeTar(dir: string, name: string, content: string, flag?: string): void {
  execFileSync('tar', ['-c', ...(flag ? [flag] : []), '-f', path.join(dir, name), '-C', content, '--owner=7', '--group=8', '--numeric-owner', '.']);
}

for (const [flag, ext] of [[undefined, 'tar'], ['-z', 'tar.gz'], ['-j', 'tar.bz2'], ['-J', 'tar.xz'], ['--zstd', 'tar.zst']] as const) {
  test(`a local ${ext} is extracted into the destination, keeping the archive's owners`, async (t) => {
    const { base, src, dest } = setup(t);
    const content = path.join(base, 'content');
    writeTree(content, [{ path: 'a/b.txt', type: 'file', data: 'B', mode: '0640' }, { path: 'l', type: 'symlink', target: 'a/b.txt' }]);
    makeTar(src, `archive.${ext}`, content, flag);
    writeTree(dest, [{ path: 'out/keep', type: 'file' }]);
    await copyAction({ srcRoot: src, destRoot: dest, action: add(`archive.${ext}`, '/out') });
    t.deepEqual(listTree(dest), ['out d', 'out/a d', 'out/a/b.txt f', 'out/keep f', 'out/l l:a/b.txt']);
    const st = fs.statSync(path.join(dest, 'out/a/b.txt'));
    t.deepEqual([st.uid, st.gid, st.mode & 0o7777], [7, 8, 0o640]);
  });
}

test('a file that is not an archive is copied as it is; so is an archive with COPY', async (t) => {
  const { base, src, dest } = setup(t);
  writeTree(src, [{ path: 'plain.tar', type: 'file', data: 'not really a tar' }]);
  const content = path.join(base, 'content');
  writeTree(content, [{ path: 'x', type: 'file' }]);
  makeTar(src, 'real.tar.gz', content, '-z');
  await copyAction({ srcRoot: src, destRoot: dest, action: add('plain.tar', '/d/') });
  await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('real.tar.gz', '/c/') });
  t.deepEqual(listTree(dest), ['c d', 'c/real.tar.gz f', 'd d', 'd/plain.tar f']);
});

test('wildcard ADD sources each extract', async (t) => {
  const { base, src, dest } = setup(t);
  for (const n of ['one', 'two']) {
    const content = path.join(base, n);
    writeTree(content, [{ path: `${n}.txt`, type: 'file' }]);
    makeTar(src, `${n}.tgz`, content, '-z');
  }
  await copyAction({ srcRoot: src, destRoot: dest, action: add('*.tgz', '/x/') });
  t.deepEqual(listTree(dest), ['x d', 'x/one.txt f', 'x/two.txt f']);
});

test('an archive cannot write through its own absolute or .. links', async (t) => {
  const { base, src, dest } = setup(t);
  const outside = path.join(base, 'outside');
  fs.mkdirSync(outside);
  // Hand-made archive: a link to outside, then a file through it; and a .. member.
  const stage = path.join(base, 'stage');
  fs.mkdirSync(stage);
  fs.symlinkSync(outside, path.join(stage, 'esc'));
  fs.mkdirSync(path.join(stage, 'real'));
  fs.writeFileSync(path.join(stage, 'real', 'pwned'), 'x');
  execFileSync('tar', ['-cf', path.join(src, 'evil.tar'), '-C', stage, 'esc', '--transform', 's,^real,esc,', 'real/pwned']);
  await t.notThrowsAsync(async () => {
    try {
      await copyAction({ srcRoot: src, destRoot: dest, action: add('evil.tar', '/') });
    } catch {
      // tar may refuse a member; either way nothing may land outside
    }
  });
  t.deepEqual(fs.readdirSync(outside), []);
});

test('an archive cannot write through a symlink already in the destination', async (t) => {
  const { base, src, dest } = setup(t);
  const outside = path.join(base, 'outside');
  fs.mkdirSync(outside);
  const content = path.join(base, 'content');
  writeTree(content, [{ path: 'etc/pwned', type: 'file', data: 'x' }]);
  makeTar(src, 'a.tar', content);
  writeTree(dest, [{ path: 'etc', type: 'symlink', target: outside }]);
  await copyAction({ srcRoot: src, destRoot: dest, action: add('a.tar', '/') });
  t.deepEqual(fs.readdirSync(outside), []);
  t.true(fs.existsSync(path.join(dest, 'etc/pwned')));
});
