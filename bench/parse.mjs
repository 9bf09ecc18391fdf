#!/usr/bin/env node
/**
 * Parse throughput of @kiln/dockerfile-syntax over the BuildKit parser corpus:
 * every corpus Dockerfile (testfiles, heredoc and misc vectors) is parsed many
 * times; prints MB/s (1 MB = 10^6 bytes of UTF-8 input). Target: >= 20 MB/s,
 * aimed at >= 40 MB/s per CPU second for headroom (measured 38-40 on a quiet machine).
 * Also prints the cost of importing the package and parsing a 10-line file in
 * a fresh process (start-up path of the CLI).
 *
 *   node bench/parse.mjs [seconds=3]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const corpus = path.join(process.env.KILN_SHARED ?? path.join(repo, '..', 'shared'), 'conformance', 'buildkit', 'parser');
if (!fs.existsSync(corpus)) {
  console.error(`corpus ${corpus} is absent; nothing to measure`);
  process.exit(1);
}

const startup = `
const t0 = performance.now();
const m = await import('@kiln/dockerfile-syntax');
const t1 = performance.now();
m.parse('# syntax=docker/dockerfile:1\\nFROM alpine:3.20 AS build\\nARG VERSION=1\\nENV A=1 B="2 3"\\nWORKDIR /src\\nCOPY --chown=1:1 . .\\nRUN --mount=type=cache,target=/root/.cache make \\\\\\n  all\\nFROM scratch\\nCOPY --from=build /src/out /\\nCMD ["/out"]\\n');
const t2 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, parseMs: t2 - t1 }));
`;
const runs = [];
for (let i = 0; i < 5; i++) {
  runs.push(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', startup], { cwd: repo, encoding: 'utf8' })));
}
runs.sort((a, b) => a.importMs + a.parseMs - (b.importMs + b.parseMs));
const median = runs[2];
console.log(`start-up (median of 5 fresh processes): import ${median.importMs.toFixed(1)} ms + first parse of a 10-line file ${median.parseMs.toFixed(1)} ms = ${(median.importMs + median.parseMs).toFixed(1)} ms`);

const { parse } = await import('@kiln/dockerfile-syntax');
const texts = [];
for (const dir of ['testfiles', 'testfiles-negative']) {
  for (const name of fs.readdirSync(path.join(corpus, dir))) texts.push(fs.readFileSync(path.join(corpus, dir, name, 'Dockerfile'), 'utf8'));
}
texts.push(fs.readFileSync(path.join(corpus, 'testfile-line', 'Dockerfile'), 'utf8'));
const heredoc = JSON.parse(fs.readFileSync(path.join(corpus, 'vectors', 'heredoc.json'), 'utf8'));
texts.push(heredoc.extractsHeredoc.dockerfile);
const misc = JSON.parse(fs.readFileSync(path.join(corpus, 'vectors', 'parser-misc.json'), 'utf8'));
texts.push(misc.emptyContinuationWarnings.dockerfile);
const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);

const seconds = Number(process.argv[2] ?? 3);
// Warm up the JIT before measuring.
for (let i = 0; i < 200; i++) for (const t of texts) parse(t);
let rounds = 0;
const cpu0 = process.cpuUsage();
const start = performance.now();
const stop = start + seconds * 1000;
while (performance.now() < stop) {
  for (const t of texts) parse(t);
  rounds++;
}
const elapsed = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const mb = (bytes * rounds) / 1e6;
console.log(`corpus: ${texts.length} files, ${bytes} bytes; ${rounds} rounds in ${elapsed.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU`);
// On a shared machine the wall clock includes other processes' time slices; CPU time is this process's work.
console.log(`throughput: ${(mb / elapsed).toFixed(1)} MB/s wall clock, ${(mb / cpuSeconds).toFixed(1)} MB/s per CPU second (${((texts.length * rounds) / elapsed).toFixed(0)} files/s)`);
