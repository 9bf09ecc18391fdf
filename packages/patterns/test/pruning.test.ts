// Pruning must never change what a filtered walk passes on: random patterns
// over a random tree, walked with and without pruning, give the same listing.
import test from 'ava';
import { createWalkFilter, PatternMatcher, type WalkFilterOptions } from '@kiln/patterns';
import { MemTree, listingLine, type MemNode, type TreeEntryData } from './support/mem-tree.ts';

/** Small deterministic PRNG (mulberry32), so a failure is reproducible from its seed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T,>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const NAMES = ['a', 'b', 'ab', 'ba', 'c.txt', 'd', '+', '0'];
const ELEMENTS = ['a', 'b*', '*', '?', '[ab]', '**', 'a*b', 'c.txt', '[^a]', '*.txt', '[+-0]', 'd', 'ba'];

function randomTree(r: () => number): TreeEntryData[] {
  const out: TreeEntryData[] = [];
  const grow = (dir: string, depth: number): void => {
    const n = 1 + Math.floor(r() * 4);
    for (const name of new Set(Array.from({ length: n }, () => pick(r, NAMES)))) {
      const path = dir === '' ? name : `${dir}/${name}`;
      if (depth < 4 && r() < 0.5) {
        out.push({ path, type: 'dir' });
        grow(path, depth + 1);
      } else {
        out.push({ path, type: 'file' });
      }
    }
  };
  grow('', 0);
  return out;
}

function randomPatterns(r: () => number): string[] {
  return Array.from({ length: 1 + Math.floor(r() * 4) }, () => {
    const elements = Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r, ELEMENTS));
    return (r() < 0.35 ? '!' : '') + elements.join('/');
  });
}

function walkListing(tree: MemTree, options: WalkFilterOptions): { lines: string[]; visited: number } {
  const filter = createWalkFilter<MemNode>(options);
  const lines: string[] = [];
  let visited = 0;
  tree.walk((path, node) => {
    visited++;
    return filter.visit(path, node.type === 'dir', node, (p, n) => void lines.push(listingLine(p, n)));
  });
  return { lines, visited };
}

test('pruned and unpruned filtered walks pass on the same entries (600 random cases)', (t) => {
  let pruned = 0;
  let total = 0;
  for (let seed = 1; seed <= 600; seed++) {
    const r = rng(seed);
    const tree = new MemTree(randomTree(r));
    const options = { includePatterns: r() < 0.5 ? randomPatterns(r) : undefined, excludePatterns: randomPatterns(r) };
    const fast = walkListing(tree, options);
    const slow = walkListing(tree, { ...options, prune: false });
    if (JSON.stringify(fast.lines) !== JSON.stringify(slow.lines)) {
      t.deepEqual(fast.lines, slow.lines, `seed ${seed}: ${JSON.stringify(options)}`);
      return;
    }
    pruned += slow.visited - fast.visited;
    total += slow.visited;
  }
  t.log(`pruning skipped ${pruned} of ${total} entries`);
  t.true(pruned > 0, 'pruning happened at all');
});

test('an excluded directory is pruned unless an exception can reach below it', (t) => {
  const pm = new PatternMatcher(['node_modules', '!node_modules/keep/*.js', 'build']);
  t.true(pm.mayExceptUnder('node_modules'));
  t.false(pm.mayExceptUnder('build'));
  t.false(pm.mayExceptUnder('node_modules/other'));
  t.true(pm.mayExceptUnder('node_modules/keep'));
  // '[^a]' and '**' can match across '/', so nothing is ruled out.
  t.true(new PatternMatcher(['x', '!y[^a]z']).mayExceptUnder('y'));
  t.true(new PatternMatcher(['x', '!**/keep']).mayExceptUnder('deep/dir'));
});

test('an unmatched directory is pruned only when no include pattern can match below it', (t) => {
  const pm = new PatternMatcher(['src/*.ts', 'docs']);
  t.true(pm.mayMatchUnder('src'));
  t.false(pm.mayMatchUnder('test'));
  t.false(pm.mayMatchUnder('src/sub'), 'src/*.ts cannot match src/sub/x');
});
