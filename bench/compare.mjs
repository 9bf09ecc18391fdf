#!/usr/bin/env node
// bench/compare: kiln against docker 20.10's BuildKit and buildah 1.28 on the
// workloads of issue 7, in one run on this machine, alternating the engines
// round by round; prints medians, the ratios kiln/BuildKit and kiln/buildah,
// and the targets. Installs (apt-get, only what is missing) and starts what
// it needs itself, and leaves nothing behind: dockerd is stopped unless it
// was already running, roots, contexts and mounts are removed.
//
// Usage (as root, after npm run setup):
//   node bench/compare.mjs [--runs 3] [--workloads w1,w2,w3,w4,w5]
//                          [--w2-files 20000] [--w2-bytes 10000]
//                          [--engines kiln,buildkit,buildah] [--profile DIR] [--log FILE]
// --profile writes a V8 CPU profile of every kiln process to DIR
// (summarise one with `node bench/profile-summary.mjs FILE`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildahSetup, ensurePackages, startDocker } from './lib/anchors.mjs';
import * as bases from './lib/base-images.mjs';
import { buildahEngine, buildkitEngine, kilnEngine } from './lib/engines.mjs';
import { printReport } from './lib/report.mjs';
import { option, removeTree, say, tempDir } from './lib/util.mjs';
import { workloads } from './lib/workloads.mjs';

const args = process.argv.slice(2);
const runs = Number(option(args, '--runs', '3'));
const chosen = option(args, '--workloads', 'w1,w2,w3,w4,w5').split(',');
const engineIds = option(args, '--engines', 'kiln,buildkit,buildah').split(',');
const profileDir = option(args, '--profile', undefined);
const w2Options = { files: Number(option(args, '--w2-files', '20000')), bytes: Number(option(args, '--w2-bytes', '10000')) };
for (const w of chosen) if (!workloads[w]) throw new Error(`unknown workload ${JSON.stringify(w)}; known: ${Object.keys(workloads).join(', ')}`);
if (process.getuid?.() !== 0) throw new Error('bench/compare runs the engines as root: run it as root');

ensurePackages();
const work = tempDir('kiln-bench-compare-');
const logFile = option(args, '--log', path.join(os.tmpdir(), `kiln-bench-compare-${process.pid}.log`));
say(`work dir ${work}; engine output goes to ${logFile}`);
let docker;
const engines = [];
const stopAll = async () => {
  for (const e of engines) e.cleanup();
  if (docker) await docker.stop();
  removeTree(work);
};
process.on('SIGINT', () => {
  say('interrupted: cleaning up');
  stopAll().finally(() => process.exit(130));
});

try {
  if (profileDir) fs.mkdirSync(profileDir, { recursive: true });
  const all = {
    kiln: () => kilnEngine(work, { logFile, profileDir }),
    buildkit: () => buildkitEngine(work, docker, { logFile }),
    buildah: () => buildahEngine(work, buildahSetup(work), { logFile }),
  };
  if (engineIds.includes('buildkit')) docker = await startDocker(work, `${logFile}.dockerd`);
  for (const id of engineIds) engines.push(all[id]());

  // Base images: made once, loaded into every engine, and used once by each
  // (untimed) so that lazily unpacked bases are unpacked before "cold" runs.
  const needed = new Set(chosen.flatMap((w) => workloads[w].bases));
  const images = [];
  const imageDir = path.join(work, 'images');
  fs.mkdirSync(imageDir);
  if (needed.has('busybox')) images.push(bases.busybox(imageDir));
  if (needed.has('debian') || needed.has('node')) {
    const debian = bases.debian(imageDir);
    if (needed.has('debian')) images.push(debian);
    if (needed.has('node')) {
      const node = bases.node(imageDir, debian);
      images.push(node.full, node.slim);
    }
  }
  const prime = path.join(work, 'prime');
  fs.mkdirSync(prime);
  for (const image of images) {
    for (const engine of engines) {
      say(`loading ${image.name} into ${engine.id}`);
      engine.load(image);
      const dockerfile = path.join(work, `prime-${image.tag}.Dockerfile`);
      fs.writeFileSync(dockerfile, `FROM ${image.name}\nRUN true\n`);
      await engine.build({ context: prime, dockerfile, tag: `bench-prime:${engine.id}` });
    }
  }

  /** results[workload][scenario][engine] = numbers; rss[workload] = kiln peak RSS values (bytes). */
  const results = {};
  const rss = {};
  for (const id of chosen) {
    const workload = workloads[id];
    say(`${id}: ${workload.title}`);
    const state = workload.prepare(work, id === 'w2' ? w2Options : {});
    results[id] = {};
    rss[id] = [];
    const record = (scenario, engine, value, peak) => {
      ((results[id][scenario] ??= {})[engine] ??= []).push(value);
      if (engine === 'kiln' && peak !== undefined) rss[id].push(peak);
      say(`  ${id} ${scenario} ${engine}: ${value.toFixed(3)}${peak ? ` (peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB)` : ''}`);
    };
    for (let round = 0; round < runs; round++) {
      // Rotate who goes first, so no engine always meets a cold or a warm page cache.
      const order = engines.map((_, i) => engines[(i + round) % engines.length]);
      for (const engine of order) {
        try {
          await workload.round(engine, state, round, record);
        } catch (error) {
          // One engine failing one round must not lose the others' figures; the table shows the gap.
          say(`  ${id} round ${round + 1} ${engine.id} FAILED: ${String(error.message).split('\n').slice(-6).join('\n    ')}`);
          ((results[id]['failed rounds'] ??= {})[engine.id] ??= []).push(1);
        }
      }
    }
  }
  printReport({ results, rss, runs, engines: engineIds, w2Options });
} finally {
  await stopAll();
}
