// Cost of filtering a 20,000-entry context walk with a typical .dockerignore.
// Run after building: node packages/patterns/bench/walk-filter.bench.mjs
import { createWalkFilter, parseIgnoreFile, PatternMatcher } from '../dist/index.js';

const ignore = parseIgnoreFile(['.git', 'node_modules', '**/*.log', '!keep/important.log', 'build/**', '*.md', 'dist', '**/__pycache__', 'tmp*'].join('\n'));

// 20 top dirs × 10 subdirs × 100 files = 20,000 files (+220 dirs), in walk (pre-)order.
const entries = [];
const tops = ['src', 'lib', 'node_modules', 'build', 'keep', 'docs', 'test', 'tmpdata', 'app', 'pkg', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
for (const top of tops) {
  entries.push([top, true]);
  for (let s = 0; s < 10; s++) {
    const sub = `${top}/sub${s}`;
    entries.push([sub, true]);
    for (let f = 0; f < 100; f++) entries.push([`${sub}/file${f}${f % 10 === 0 ? '.log' : '.ts'}`, false]);
  }
}

function walk(prune) {
  const filter = createWalkFilter({ excludePatterns: ignore, prune });
  let kept = 0;
  let skipUntil;
  for (const [path, isDir] of entries) {
    if (skipUntil !== undefined && path.startsWith(skipUntil)) continue;
    skipUntil = undefined;
    if (filter.visit(path, isDir, null, () => void kept++) === 'skip-dir' && isDir) skipUntil = path + '/';
  }
  return kept;
}

function time(label, fn, rounds = 100) {
  fn();
  const t0 = performance.now();
  let r;
  for (let i = 0; i < rounds; i++) r = fn();
  const ms = (performance.now() - t0) / rounds;
  console.log(`${label}: ${ms.toFixed(2)} ms per walk (${((ms * 1e6) / entries.length).toFixed(0)} ns/entry), result ${r}`);
}

for (let round = 0; round < 2; round++) {
  time('WalkFilter, no pruning', () => walk(false));
  time('WalkFilter, pruning', () => walk(true));
}
const pm = new PatternMatcher(ignore);
time('matchesOrParentMatches per path', () => entries.filter(([p]) => !pm.matchesOrParentMatches(p)).length);
