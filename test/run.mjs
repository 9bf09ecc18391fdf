#!/usr/bin/env node
// Runs the whole suite with ava's TAP reporter, passes its output through, and
// ends with the line CI reads: `N passed, N failed[, N skipped]`.
// Extra arguments go to ava (a file or a --match filter).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ava = spawn(process.execPath, ['node_modules/ava/entrypoints/cli.js', '--tap', ...process.argv.slice(2)], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
for await (const line of createInterface({ input: ava.stdout })) {
  process.stdout.write(line + '\n');
  const m = /^(not ok|ok) \d+ - (.*?)(?: # (SKIP|TODO)\b.*)?$/.exec(line);
  if (!m) continue;
  if (m[3] !== undefined) skipped++;
  else if (m[1] === 'ok') passed++;
  else {
    failed++;
    failures.push(m[2]);
  }
}
const code = await new Promise((resolve) => ava.on('close', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
if (failures.length > 0) {
  process.stdout.write(`\nFailed:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
}
// ava exits non-zero for uncaught errors and timeouts that are not test lines.
if (code !== 0 && failed === 0) failed = 1;
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 ? 1 : 0);
