// fsutil filtered-walk vectors (fsutil-walk-vectors.json): one test per case,
// walked over an in-memory tree built from the vector.
import test from 'ava';
import { createWalkFilter, mergeFollowedPaths, resolveFollowPaths, type WalkEmit, type WalkFilter } from '@kiln/patterns';
import { readCorpusJson } from '../../../test/support/shared.ts';
import { MemTree, listingLine, type MemNode, type TreeEntryData } from './support/mem-tree.ts';

interface FilterOpts {
  includePatterns?: string[];
  excludePatterns?: string[];
  followPaths?: string[];
  filterChain?: FilterOpts[];
}
interface WalkCase {
  name: string;
  tree: TreeEntryData[];
  opts: FilterOpts;
  expected?: string[];
  expectError?: boolean;
  open?: Record<string, 'ok' | 'ENOENT'>;
  note?: string;
}

const vectors = readCorpusJson<{ cases: WalkCase[] }>('patterns', 'fsutil-walk-vectors.json');

async function filterFor(tree: MemTree, opts: FilterOpts): Promise<WalkFilter<MemNode>> {
  const followed = opts.followPaths === undefined ? undefined : await resolveFollowPaths(opts.followPaths, tree);
  return createWalkFilter<MemNode>({
    includePatterns: mergeFollowedPaths(opts.includePatterns, followed),
    excludePatterns: opts.excludePatterns,
  });
}

/** Walks `tree` through the filters; filters[0] sits on the tree, each next one wraps the previous (fsutil stacking). */
function listing(tree: MemTree, filters: readonly WalkFilter<MemNode>[]): string[] {
  const lines: string[] = [];
  let downstream: WalkEmit<MemNode> = (path, node) => {
    lines.push(listingLine(path, node));
  };
  for (let i = filters.length - 1; i >= 0; i--) {
    const filter = filters[i]!;
    const next = downstream;
    downstream = (path, node) => filter.visit(path, node.type === 'dir', node, next);
  }
  const first = downstream;
  tree.walk((path, node) => first(path, node, false) ?? 'continue');
  return lines;
}

if (vectors === undefined) {
  test.skip('fsutil walk corpus absent', (t) => t.pass());
} else {
  for (const c of vectors.cases) {
    test(`filtered walk: ${c.name}`, async (t) => {
      const tree = new MemTree(c.tree);
      const chain = c.opts.filterChain ?? [c.opts];
      if (c.expectError) {
        await t.throwsAsync(async () => {
          for (const o of chain) await filterFor(tree, o);
        }, { code: 'InvalidArgument' });
        return;
      }
      const filters: WalkFilter<MemNode>[] = [];
      for (const o of chain) filters.push(await filterFor(tree, o));
      if (c.expected !== undefined) t.deepEqual(listing(tree, filters), c.expected);
      for (const [path, want] of Object.entries(c.open ?? {})) {
        const exists = tree.nodes.has(path);
        const ok = exists && filters.every((f) => f.canOpen(path));
        t.is(ok ? 'ok' : 'ENOENT', want, `open ${path}`);
      }
    });
  }
}
