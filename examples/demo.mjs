#!/usr/bin/env node
// `npm run demo`: kiln's main job on the examples. For now (builds come with the
// "kiln build" issue) it parses every Dockerfile under examples/ with the real
// CLI and prints each one's stage graph.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const kiln = path.join(root, 'node_modules', '.bin', 'kiln');
const dockerfiles = fs
  .readdirSync(path.join(root, 'examples'), { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && (e.name === 'Dockerfile' || e.name.endsWith('.Dockerfile')))
  .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
  .sort();

let failed = 0;
for (const file of dockerfiles) {
  process.stdout.write(`\n== ${file}\n`);
  const result = spawnSync(kiln, ['debug', 'stages', file], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
