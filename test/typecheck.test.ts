// The tests themselves are TypeScript run by Node's type stripping, which checks
// nothing: this compiles them all with tsc so a wrong type in a test fails CI.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './support/shared.ts';

test('every test file type-checks against the built packages', (t) => {
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'test/tsconfig.json'], { cwd: repoRoot, encoding: 'utf8' });
  t.is(result.status, 0, result.stdout + result.stderr);
});
