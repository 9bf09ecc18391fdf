// fsutil's copy tests, transcribed as data in the shared corpus: include and
// exclude patterns, wildcards, and replacing destination entries of another type.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { copyAction } from '@kiln/worker';
import { readCorpusJson } from '../../../test/support/shared.ts';
import { copyOf, listTree, tempTrees, writeTree, type TreeEntry } from './support/tree.ts';

interface Vectors {
  includeExclude: {
    tree: { path: string; type: 'file' | 'dir'; data?: string; mode?: string }[];
    cases: { name: string; include: string[]; exclude: string[]; present: string[] }[];
  };
  wildcards: { cases: { src: string; dest: string; allowWildcards: boolean; error?: boolean; present?: string[]; absent?: string[]; fileContents?: Record<string, string> }[] };
  alwaysReplaceExistingDestPaths: { dest: [string, string][]; src: [string, string][]; expected: [string, string][] };
}

const vectors = readCorpusJson<Vectors>('patterns', 'fsutil-copy-vectors.json');
const probes = ['bar', 'bar/foo', 'bar/baz', 'bar/baz/asdf', 'bar/baz/asdf/x', 'bar/baz/foo3', 'foo2'];

function setup(t: { teardown(fn: () => void): void }) {
  const trees = tempTrees();
  t.teardown(trees.cleanup);
  return trees;
}

function entries(list: [string, string][]): TreeEntry[] {
  return list.map(([p, type]) =>
    type.startsWith('symlink:') ? { path: p, type: 'symlink', target: type.slice('symlink:'.length) } : { path: p, type: type as 'dir' | 'file', mode: '0755' },
  );
}

if (vectors === undefined) {
  test.skip('fsutil copy corpus absent', () => {});
} else {
  for (const c of vectors.includeExclude.cases) {
    test(`include/exclude: ${c.name}`, async (t) => {
      const { src, dest } = setup(t);
      writeTree(src, vectors.includeExclude.tree.map((e) => ({ ...e })) as TreeEntry[]);
      await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('/', '/', { includePatterns: c.include, excludePatterns: c.exclude, allowWildcard: false }) });
      t.deepEqual(probes.filter((p) => fs.existsSync(path.join(dest, p))), c.present);
    });
  }

  vectors.wildcards.cases.forEach((c, i) => {
    test(`wildcards ${i + 1}: ${c.src} -> ${c.dest}${c.allowWildcards ? '' : ' (wildcards off)'}`, async (t) => {
      const { src, dest } = setup(t);
      writeTree(src, [
        { path: 'foo.txt', type: 'file', data: 'foo-contents' },
        { path: 'foo.go', type: 'file', data: 'go-contents' },
        { path: 'bar.txt', type: 'file', data: 'bar-contents' },
      ]);
      const run = copyAction({ srcRoot: src, destRoot: dest, action: copyOf(c.src, c.dest, { allowWildcard: c.allowWildcards, allowEmptyWildcard: false }) });
      if (c.error === true) {
        await t.throwsAsync(run);
        return;
      }
      await run;
      for (const p of c.present ?? []) t.true(fs.existsSync(path.join(dest, p)), p);
      for (const p of c.absent ?? []) t.false(fs.existsSync(path.join(dest, p)), p);
      for (const [p, data] of Object.entries(c.fileContents ?? {})) t.is(fs.readFileSync(path.join(dest, p), 'utf8'), data);
    });
  });

  test('alwaysReplaceExistingDestPaths: type conflicts replace the destination entry', async (t) => {
    const v = vectors.alwaysReplaceExistingDestPaths;
    const { src, dest } = setup(t);
    writeTree(src, entries(v.src));
    writeTree(dest, entries(v.dest));
    await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('root', 'root', { alwaysReplaceExistingDestPaths: true }) });
    const expected = v.expected.map(([p, type]) => `${p} ${type === 'dir' ? 'd' : type === 'file' ? 'f' : `l:${type.slice(8)}`}`).sort();
    t.deepEqual(listTree(dest), expected);
  });

  test('dirBasename: a directory copied to a missing path becomes it; with contents into an existing one it merges', async (t) => {
    const { src, dest } = setup(t);
    writeTree(src, [{ path: 'foo/bar/baz.txt', type: 'file' }]);
    await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('foo', 'foo', { dirCopyContents: false }) });
    t.deepEqual(listTree(dest), ['foo d', 'foo/bar d', 'foo/bar/baz.txt f']);
    await copyAction({ srcRoot: src, destRoot: dest, action: copyOf('foo', 'foo') });
    t.deepEqual(listTree(dest), ['foo d', 'foo/bar d', 'foo/bar/baz.txt f']);
  });
}
