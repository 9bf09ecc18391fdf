// The kiln command as users run it: a real process, its output and exit codes.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { corpusPath, repoRoot } from './support/shared.ts';

const kilnBin = path.join(repoRoot, 'node_modules', '.bin', 'kiln');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-cli-test-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

function kiln(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(kilnBin, args, { cwd: repoRoot, encoding: 'utf8', ...(input === undefined ? {} : { input }) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, text: string): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, text);
  return p;
}

test('kiln --version prints the version of the cli package', (t) => {
  const { version } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'packages/cli/package.json'), 'utf8')) as { version: string };
  const r = kiln(['--version']);
  t.is(r.status, 0);
  t.is(r.stdout.trim(), version);
});

test('kiln --help lists the commands', (t) => {
  const r = kiln(['--help']);
  t.is(r.status, 0);
  t.regex(r.stdout, /Usage: kiln/);
  t.regex(r.stdout, /debug/);
});

test('an unknown command exits non-zero and says so', (t) => {
  const r = kiln(['frobnicate']);
  t.not(r.status, 0);
  t.regex(r.stderr, /unknown command 'frobnicate'/);
});

const testfiles = corpusPath('parser', 'testfiles');
if (testfiles === undefined) {
  test.skip('parser testfiles corpus absent: kiln debug parse goldens not checked', () => {});
} else {
  for (const name of fs.readdirSync(testfiles).sort()) {
    test(`kiln debug parse prints BuildKit's AST dump for parser/testfiles/${name}`, (t) => {
      const r = kiln(['debug', 'parse', path.join(testfiles, name, 'Dockerfile')]);
      t.is(r.status, 0, r.stderr);
      t.is(r.stdout, fs.readFileSync(path.join(testfiles, name, 'result'), 'utf8'));
    });
  }
}

test('kiln debug parse reads standard input as "-"', (t) => {
  const r = kiln(['debug', 'parse', '-'], 'FROM busybox\nRUN echo hi\n');
  t.is(r.status, 0, r.stderr);
  t.is(r.stdout, '(from "busybox")\n(run "echo hi")\n');
});

test('kiln debug parse --json gives 1-based, end-inclusive ranges for every part', (t) => {
  const file = write('ranges.Dockerfile', [
    '# syntax=docker/dockerfile:1',
    '# a comment',
    'FROM busybox AS base',
    'COPY --chmod=644 a.txt \\',
    '     /dest/',
    'RUN <<EOF',
    'echo hi',
    'EOF',
    '',
  ].join('\n'));
  const r = kiln(['debug', 'parse', '--json', file]);
  t.is(r.status, 0, r.stderr);
  const ast = JSON.parse(r.stdout) as {
    directives: { name: string; range: unknown }[];
    comments: { text: string; range: unknown }[];
    instructions: { name: string; range: unknown; keywordRange: unknown; flags: { text: string; range: unknown }[]; args: { value: string; range: unknown }[]; heredocs: { name: string; bodyRange: unknown; markerRange: unknown }[] }[];
  };
  const range = (a: number, b: number, c: number, d: number) => ({ start: { line: a, column: b }, end: { line: c, column: d } });
  t.deepEqual(ast.directives.map((d) => [d.name, d.range]), [['syntax', range(1, 1, 1, 28)]]);
  t.deepEqual(ast.comments.map((c) => [c.text, c.range]), [['a comment', range(2, 1, 2, 11)]]);
  const [from, copy, run] = ast.instructions;
  t.deepEqual(from!.keywordRange, range(3, 1, 3, 4));
  t.deepEqual(from!.args.map((a) => [a.value, a.range]), [['busybox', range(3, 6, 3, 12)], ['AS', range(3, 14, 3, 15)], ['base', range(3, 17, 3, 20)]]);
  t.deepEqual(copy!.range, range(4, 1, 5, 11));
  t.deepEqual(copy!.flags.map((f) => [f.text, f.range]), [['--chmod=644', range(4, 6, 4, 16)]]);
  t.deepEqual(copy!.args.map((a) => [a.value, a.range]), [['a.txt', range(4, 18, 4, 22)], ['/dest/', range(5, 6, 5, 11)]]);
  // The body range ends on the body's final newline (column 8 after "echo hi"), as the body's content does.
  t.deepEqual(run!.heredocs.map((h) => [h.name, h.markerRange, h.bodyRange]), [['EOF', range(6, 5, 6, 9), range(7, 1, 7, 8)]]);
});

test('a syntax error exits 1 with FILE:LINE:COL, the message and the lines around it', (t) => {
  const file = write('bad.Dockerfile', 'FROM busybox\nRUN <<EOF\necho never ends\n');
  const r = kiln(['debug', 'parse', file]);
  t.is(r.status, 1);
  t.is(r.stdout, '');
  const [first, ...rest] = r.stderr.split('\n');
  t.is(first, `${file}:2:5: unterminated heredoc`);
  t.true(rest.some((l) => /^> 2 \| RUN <<EOF$/.test(l)), r.stderr);
});

test('an error on a continuation line points at that physical line and column', (t) => {
  const file = write('cont.Dockerfile', 'FROM busybox\nRUN echo a \\\n    b\nCOPY --chown=1 \\\n  --frm=x a b\n');
  const r = kiln(['debug', 'stages', file]);
  t.is(r.status, 1);
  t.is(r.stderr.split('\n')[0], `${file}:5:3: unknown flag: --frm (did you mean --from?)`);
  t.regex(r.stderr, /^> 5 \|   --frm=x a b$/m);
});

test('kiln debug stages shows the stage graph and which stages a target skips', (t) => {
  const r = kiln(['debug', 'stages', 'examples/hello/Dockerfile']);
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /^\[0\] build .*needed$/m);
  t.regex(r.stdout, /^\[1\] test .*reads stage build.*skipped$/m);
  t.regex(r.stdout, /build order for the target: build -> #2/);
  const target = kiln(['debug', 'stages', '--target', 'test', 'examples/hello/Dockerfile']);
  t.regex(target.stdout, /build order for the target: build -> test/);
  const unknown = kiln(['debug', 'stages', '--target', 'tset', 'examples/hello/Dockerfile']);
  t.is(unknown.status, 1);
  t.regex(unknown.stderr, /target stage "tset" could not be found \(did you mean test\?\)/);
});
