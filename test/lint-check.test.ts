// kiln build --check through the real CLI (BuildKit's build checks, printed as `docker build --check`
// prints them), and the checks' warnings during a real build.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { kilnBuild, leftovers, rawEvents, writeContext } from './support/build-cli.ts';
import { kiln, kilnEnv, type KilnEnv } from './support/images-cli.ts';

let work: string;
let k: KilnEnv;
let n = 0;

test.before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-lint-check-'));
  k = kilnEnv(path.join(work, 'env'));
});

test.after.always(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function context(files: Record<string, string>): string {
  return writeContext(path.join(work, `ctx-${++n}`), files);
}

const check = (dir: string, ...args: string[]) => kiln(k, ['build', '--check', ...args, dir]);

test('--check prints each warning with its rule, URL, message and Dockerfile lines, and exits 0', (t) => {
  const dir = context({ Dockerfile: 'FROM scratch as base\nCOPY Dockerfile /\nMAINTAINER me\n' });
  const r = check(dir);
  t.is(r.status, 0, r.stderr);
  const out = r.stdout;
  t.true(out.startsWith('Check complete, 2 warnings have been found!\n'), out);
  t.regex(out, /\nWARNING: FromAsCasing - https:\/\/docs\.docker\.com\/go\/dockerfile\/rule\/from-as-casing\/\n'as' and 'FROM' keywords' casing do not match\n\S*Dockerfile:1\n-{20}\n {3}1 \| >>> FROM scratch as base\n/);
  t.regex(out, /\nWARNING: MaintainerDeprecated - https:\/\/docs\.docker\.com\/go\/dockerfile\/rule\/maintainer-deprecated\/\nMaintainer instruction is deprecated in favor of using label\n\S*Dockerfile:3\n/);
  t.true(out.indexOf('FromAsCasing') < out.indexOf('MaintainerDeprecated'), 'in line order');
  t.false(out.includes('ERROR'));
});

test('--check exits 1 when # check=error=true and a rule fires, naming the rules', (t) => {
  const dir = context({ Dockerfile: '# check=error=true\nFROM scratch as base\nMAINTAINER me\n' });
  const r = check(dir);
  t.is(r.status, 1);
  t.regex(r.stdout, /^Check complete, 2 warnings have been found!\n/);
  t.regex(r.stdout, /\nERROR: lint violation found for rules: FromAsCasing, MaintainerDeprecated\n$/);
});

test('--check honours skip= in the directive, and BUILDKIT_DOCKERFILE_CHECK replaces the directive', (t) => {
  const dir = context({ Dockerfile: '# check=skip=FromAsCasing\nFROM scratch as base\n' });
  const quiet = check(dir);
  t.is(quiet.status, 0);
  t.is(quiet.stdout, 'Check complete, no warnings found.\n');
  const loud = check(dir, '--build-arg', 'BUILDKIT_DOCKERFILE_CHECK=error=true');
  t.is(loud.status, 1);
  t.regex(loud.stdout, /ERROR: lint violation found for rules: FromAsCasing\n$/);
});

test('--check reads the context\'s .dockerignore (CopyIgnoredFile) and checks only what --target reaches', (t) => {
  const dir = context({ Dockerfile: 'FROM scratch AS one\nCOPY secret.txt /\nFROM scratch AS two\nCOPY $nope /\n', '.dockerignore': 'secret.txt\n' });
  const all = check(dir);
  t.is(all.status, 0);
  t.regex(all.stdout, /WARNING: CopyIgnoredFile - \S+\nAttempting to Copy file "secret.txt" that is excluded by \.dockerignore\n/);
  t.regex(all.stdout, /WARNING: UndefinedVar - \S+\nUsage of undefined variable '\$nope'\n/);
  const one = check(dir, '--target', 'one');
  t.regex(one.stdout, /^Check complete, 1 warning has been found!\n/);
  t.false(one.stdout.includes('UndefinedVar'));
});

test('--check shows the warnings found before a Dockerfile error, then the error, and exits 1', (t) => {
  const dir = context({ Dockerfile: 'FROM scratch AS Base\nBADCMD\n' });
  const r = check(dir);
  t.is(r.status, 1);
  t.regex(r.stdout, /WARNING: StageNameCasing - \S+\nStage name 'Base' should be lowercase\n/);
  t.regex(r.stdout, /\nERROR: dockerfile parse error on line 2: unknown instruction: BADCMD\n\S*Dockerfile:2\n-{20}\n {3}1 \| {5}FROM scratch AS Base\n {3}2 \| >>> BADCMD\n-{20}\n$/);
});

test('a build reports the checks as warnings, and fails before any step with error=true', (t) => {
  const dir = context({ Dockerfile: 'FROM scratch as base\nCOPY a.txt /\n', 'a.txt': 'a\n' });
  const ok = kilnBuild(k, dir, ['--progress=rawjson']);
  t.is(ok.status, 0, ok.stderr);
  const warnings = rawEvents(ok.stderr).filter((e) => e.type === 'build.warning') as unknown as { message: string; range?: { start: { line: number } } }[];
  t.deepEqual(warnings.map((w) => [w.message, w.range?.start.line]), [["FromAsCasing: 'as' and 'FROM' keywords' casing do not match", 1]]);

  fs.writeFileSync(path.join(dir, 'Dockerfile'), '# check=error=true\nFROM scratch as base\nCOPY a.txt /\n');
  const failed = kilnBuild(k, dir);
  t.is(failed.status, 1);
  t.regex(failed.stderr, /lint violation found for rules: FromAsCasing/);
  t.notRegex(failed.stderr, /\] COPY a\.txt/, 'no step ran');
  t.deepEqual(leftovers(k.root), { mounts: [], containers: [] });
});
