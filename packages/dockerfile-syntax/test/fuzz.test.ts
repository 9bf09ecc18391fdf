/**
 * Fuzzing: random mutations of the corpus Dockerfiles, for a bounded time,
 * never make `parse` throw, never make `parseDockerfile` throw anything but
 * DockerfileSyntaxError, and never take long (no catastrophic patterns).
 * The seed is printed on failure so a case can be replayed with KILN_FUZZ_SEED.
 */
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { DockerfileSyntaxError } from '@kiln/errors';
import { dumpDockerfile, parse, parseDockerfile } from '@kiln/dockerfile-syntax';
import { corpusPath } from '../../../test/support/shared.ts';

const BUDGET_MS = Number(process.env['KILN_FUZZ_MS'] ?? 3000);
/** One parse of a mutated file (at most a few KiB) must not take longer than this. */
const SLOW_MS = 250;

const PIECES = ['\\', '`', '"', "'", '[', ']', '{', '}', ',', ':', '\n', '\r\n', '\r', '\t', ' ', '#', '<<', '<<-', '3<<', 'EOF', '-', '--', '--x=', '=', '$', '\\\n', '`\n', '# escape=`\n', '# syntax=x\n', '\uFEFF', '\u00a0', '😀', '\ud800', '\u0000', 'RUN ', 'ONBUILD ', 'COPY ', 'ENV ', 'HEALTHCHECK ', 'true', '42', 'null', '["a"]', '[1]'];

/** Mulberry32: small, seedable, good enough to vary mutations. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(text: string, others: readonly string[], random: () => number): string {
  let out = text;
  const steps = 1 + Math.floor(random() * 6);
  for (let s = 0; s < steps; s++) {
    const at = Math.floor(random() * (out.length + 1));
    const kind = random();
    if (kind < 0.45) {
      out = out.slice(0, at) + PIECES[Math.floor(random() * PIECES.length)]! + out.slice(at);
    } else if (kind < 0.7) {
      out = out.slice(0, at) + out.slice(at + Math.floor(random() * 40));
    } else if (kind < 0.85) {
      const other = others[Math.floor(random() * others.length)] ?? '';
      const from = Math.floor(random() * other.length);
      out = out.slice(0, at) + other.slice(from, from + Math.floor(random() * 200)) + out.slice(at);
    } else {
      const len = Math.floor(random() * 80);
      out = out.slice(0, at) + out.slice(Math.max(0, at - len), at) + out.slice(at);
    }
  }
  return out;
}

function check(t: import('ava').ExecutionContext, text: string, label: string): boolean {
  const start = performance.now();
  try {
    const r = parse(text);
    if (!r.diagnostics.some((d) => d.severity === 'error')) dumpDockerfile(r.dockerfile);
  } catch (e) {
    t.fail(`${label}: parse threw ${String(e)} for ${JSON.stringify(text.slice(0, 300))}`);
    return false;
  }
  try {
    parseDockerfile(text);
  } catch (e) {
    if (!(e instanceof DockerfileSyntaxError)) {
      t.fail(`${label}: parseDockerfile threw ${String(e)} for ${JSON.stringify(text.slice(0, 300))}`);
      return false;
    }
  }
  const took = performance.now() - start;
  if (took > SLOW_MS) {
    t.fail(`${label}: took ${took.toFixed(0)} ms for ${JSON.stringify(text.slice(0, 300))}`);
    return false;
  }
  return true;
}

const corpus = corpusPath('parser');
if (corpus === undefined) {
  test.skip('parser corpus absent: fuzz seeds missing', () => {});
} else {
  const files: string[] = [];
  for (const dir of ['testfiles', 'testfiles-negative']) {
    for (const name of fs.readdirSync(path.join(corpus, dir))) files.push(fs.readFileSync(path.join(corpus, dir, name, 'Dockerfile'), 'utf8'));
  }
  files.push(fs.readFileSync(path.join(corpus, 'testfile-line', 'Dockerfile'), 'utf8'));

  test(`random mutations of ${files.length} corpus files for ${BUDGET_MS} ms never throw or hang`, (t) => {
    const seed = Number(process.env['KILN_FUZZ_SEED'] ?? Date.now() % 1_000_000);
    t.log(`seed ${seed}`);
    const random = rng(seed);
    const deadline = performance.now() + BUDGET_MS;
    let runs = 0;
    while (performance.now() < deadline) {
      const base = files[Math.floor(random() * files.length)]!;
      if (!check(t, mutate(base, files, random), `seed ${seed} run ${runs}`)) return;
      runs++;
    }
    t.log(`${runs} mutated files parsed`);
    t.true(runs > 50);
  });
}

test('pathological inputs finish quickly and fail cleanly', (t) => {
  const cases: [string, string][] = [
    ['deeply nested JSON', `RUN ${'['.repeat(30000)}${']'.repeat(30000)}\n`],
    ['deep JSON of strings inside', `CMD ["a", ${'['.repeat(5000)}"x"${']'.repeat(5000)}]\n`],
    ['ONBUILD chain', `FROM x\n${'ONBUILD '.repeat(8000)}RUN a\n`],
    ['many quotes', `ENV a="${'\\"'.repeat(30000)}\n`],
    ['unterminated quote flags', `RUN --x="${'a '.repeat(30000)}\n`],
    ['directive-like line with spaces', `#a=x${' '.repeat(60000)}y\nFROM x\n`],
    ['many continuation lines', `RUN a ${'\\\n'.repeat(50000)}b\n`],
    ['many heredocs', `FROM x\nRUN ${Array.from({ length: 2000 }, (_, i) => `<<E${i}`).join(' ')}\n${Array.from({ length: 2000 }, (_, i) => `E${i}`).join('\n')}\n`],
  ];
  for (const [name, text] of cases) {
    const start = performance.now();
    t.notThrows(() => parse(text), name);
    const took = performance.now() - start;
    t.true(took < 2000, `${name} took ${took.toFixed(0)} ms`);
  }
});
