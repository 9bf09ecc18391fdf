// fsutil copy vectors (fsutil-copy-vectors.json): the include/exclude and
// wildcard-source selection parts, one test per case. Copy mechanics (dest
// naming, type replacement) belong to the copier and are listed as todo.
import test from 'ava';
import { createWalkFilter, resolveWildcardSources } from '@kiln/patterns';
import { readCorpusJson } from '../../../test/support/shared.ts';
import { MemTree, type MemNode, type TreeEntryData } from './support/mem-tree.ts';

interface IncludeExcludeCase { name: string; include: string[]; exclude: string[]; present: string[]; changes?: string[] }
interface WildcardCase { src: string; dest: string; allowWildcards: boolean; error?: boolean; present?: string[]; absent?: string[]; fileContents?: Record<string, string> }
interface Vectors {
  includeExclude: { description: string; tree: TreeEntryData[]; cases: IncludeExcludeCase[] };
  wildcards: { description: string; cases: WildcardCase[] };
  dirBasename: { description: string };
  alwaysReplaceExistingDestPaths: { description: string };
}

const vectors = readCorpusJson<Vectors>('patterns', 'fsutil-copy-vectors.json');

/** The probe order the vector's description gives for 'present'. */
function probes(description: string): string[] {
  const m = /probe order: ([^)]*)\)/.exec(description);
  if (m === null) throw new Error(`no probe order in ${JSON.stringify(description)}`);
  return m[1]!.split(',').map((s) => s.trim());
}

if (vectors === undefined) {
  test.skip('fsutil copy corpus absent', (t) => t.pass());
} else {
  const ie = vectors.includeExclude;
  for (const c of ie.cases) {
    test(`copy selection: ${c.name}`, (t) => {
      const tree = new MemTree(ie.tree);
      const filter = createWalkFilter<MemNode>({ includePatterns: c.include, excludePatterns: c.exclude });
      const copied = new Set<string>();
      const changes: string[] = [];
      tree.walk((path, node) =>
        filter.visit(path, node.type === 'dir', node, (p, _n, delayed) => {
          copied.add(p);
          // Parent directories created for a later match are not reported as changes.
          if (!delayed) changes.push(`add:/${p}`);
        }),
      );
      t.deepEqual(probes(ie.description).filter((p) => copied.has(p)), c.present);
      if (c.changes !== undefined) t.deepEqual(changes.sort(), c.changes);
    });
  }

  // The description names the source files; their contents are only given for bar.txt.
  const wildcardTree = (): MemTree =>
    new MemTree([
      { path: 'foo.txt', type: 'file', data: 'foo-contents' },
      { path: 'foo.go', type: 'file', data: 'go-contents' },
      { path: 'bar.txt', type: 'file', data: 'bar-contents' },
    ]);
  for (const c of vectors.wildcards.cases) {
    test(`copy wildcard source ${JSON.stringify(c.src)} -> ${JSON.stringify(c.dest)} (wildcards ${c.allowWildcards ? 'allowed' : 'not allowed'})`, async (t) => {
      const tree = wildcardTree();
      const sources = c.allowWildcards ? await resolveWildcardSources(c.src, tree) : [c.src];
      const missing = sources.length === 0 || sources.some((s) => !tree.nodes.has(s));
      t.is(missing, c.error === true, `sources ${JSON.stringify(sources)}`);
      for (const p of c.present ?? []) t.true(sources.includes(p), `${p} selected`);
      for (const p of c.absent ?? []) t.false(sources.includes(p), `${p} not selected`);
      for (const content of Object.values(c.fileContents ?? {})) {
        // A single matched file is copied to the destination name: its content is the source's.
        t.is(sources.length, 1);
        t.is(tree.nodes.get(sources[0]!)?.data, content);
      }
    });
  }

  // The copier's own vectors of this file (dirBasename, alwaysReplaceExistingDestPaths) are copy semantics, not
  // selection: packages/worker/test/copy-corpus.test.ts runs them against the real copier.
}

test('wildcard sources split at the first element with a wildcard and match below it', async (t) => {
  const tree = new MemTree([
    { path: 'a/b1/c.txt', type: 'file' },
    { path: 'a/b2/c.go', type: 'file' },
    { path: 'a/b2/d/c.txt', type: 'file' },
    { path: 'a/x.txt', type: 'file' },
  ]);
  t.deepEqual(await resolveWildcardSources('/a/b*/c.txt', tree), ['a/b1/c.txt']);
  t.deepEqual(await resolveWildcardSources('a/*', tree), ['a/b1', 'a/b2', 'a/x.txt']);
  t.deepEqual(await resolveWildcardSources('a/z*', tree), []);
  t.deepEqual(await resolveWildcardSources('./a/x.txt', tree), ['a/x.txt']);
  await t.throwsAsync(resolveWildcardSources('nope/*', tree), { code: 'NotFound' });
});
