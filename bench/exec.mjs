#!/usr/bin/env node
// bench/exec: what one trivial RUN costs kiln, phase by phase (snapshot
// prepare, container run, layer diff, commit), median over many runs, for each
// OCI runtime that works here; and diff+gzip throughput of a 200 MB change
// against GNU `tar | gzip` in the same run.
//
// Usage: node bench/exec.mjs [--runs N] [--mb SIZE]     (as root, after npm run setup)
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { openContentRoot } from '@kiln/content';
import { OciExecutor, chooseRuntime, probeRuntime } from '@kiln/executor';
import { apply, diff } from '@kiln/layer';
import { openSnapshotter } from '@kiln/snapshot';
import { mountAll, unmountRecursive } from '@kiln/sys';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const runs = option('--runs', 30);
const changeMb = option('--mb', 200);
const repo = fileURLToPath(new URL('..', import.meta.url));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${x.toFixed(1)} ms`;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-bench-exec-'));
const cr = await openContentRoot(root);
const { snapshotter, choice } = await openSnapshotter({ root, db: cr.db });
try {
  // The busybox fixture, unpacked once as the committed base every run starts from.
  const layout = path.join(root, 'busybox-layout');
  execFileSync(path.join(repo, 'fixtures/images/make-busybox.sh'), [layout], { stdio: 'ignore' });
  const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8'));
  const blob = (d) => path.join(layout, 'blobs/sha256', d.slice(7));
  const manifest = JSON.parse(fs.readFileSync(blob(index.manifests[0].digest), 'utf8'));
  const baseMounts = await snapshotter.prepare('base-active');
  await apply(fs.createReadStream(blob(manifest.layers[0].digest)), baseMounts);
  await snapshotter.commit('base', 'base-active');
  const lower = await snapshotter.view('base-view', 'base');

  console.log(`bench/exec on ${os.cpus().length} cores, kernel ${os.release()}, snapshotter ${choice.driver}, ${runs} runs each`);
  const variants = [];
  const chosen = chooseRuntime({ cacheFile: path.join(root, 'probe.json') });
  variants.push(chosen);
  const runcPath = ['/usr/sbin/runc', '/usr/bin/runc'].find((p) => fs.existsSync(p));
  if (chosen.name !== 'runc' && runcPath && probeRuntime([runcPath]) === undefined) {
    variants.push({ name: 'runc', path: runcPath, command: [runcPath], reason: 'for comparison' });
  }

  const rows = [];
  for (const runtime of variants) {
    const executor = new OciExecutor({ stateDir: path.join(root, 'executor'), runtime });
    const phases = { prepare: [], run: [], diff: [], commit: [], total: [] };
    for (let i = 0; i < runs + 2; i++) {
      const key = `bench-${runtime.name}-${i}`;
      const t0 = performance.now();
      const mounts = await snapshotter.prepare(key, 'base');
      const t1 = performance.now();
      const r = await executor.run({ rootfs: mounts, process: { args: ['true'], env: [] } });
      if (r.exitCode !== 0) throw new Error(`true exited ${r.exitCode}`);
      const t2 = performance.now();
      await diff(lower, mounts, cr.content);
      const t3 = performance.now();
      await snapshotter.commit(`${key}-done`, key);
      const t4 = performance.now();
      await snapshotter.remove(`${key}-done`);
      if (i < 2) continue; // warm-up: page cache, probe, JIT
      phases.prepare.push(t1 - t0);
      phases.run.push(t2 - t1);
      phases.diff.push(t3 - t2);
      phases.commit.push(t4 - t3);
      phases.total.push(t4 - t0);
    }
    rows.push({ runtime: `${runtime.name}${runtime.command.length > 1 ? ' (private cgroup view)' : ''}`, ...Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, median(v)])) });
  }
  console.log('\nOne trivial RUN (`true`), median per phase:');
  console.log('| runtime | prepare | run | diff | commit | total |\n|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.runtime} | ${ms(r.prepare)} | ${ms(r.run)} | ${ms(r.diff)} | ${ms(r.commit)} | ${ms(r.total)} |`);
  if (rows.length === 2) console.log(`ratio ${rows[0].runtime} / runc, total: ${(rows[0].total / rows[1].total).toFixed(2)}`);

  // A 200 MB change: files made from /usr/lib (semi-compressible, like real layers).
  const changeMounts = await snapshotter.prepare('change', 'base');
  const merged = path.join(root, 'merged');
  fs.mkdirSync(merged);
  mountAll(changeMounts, merged);
  let written = 0;
  try {
    const dest = path.join(merged, 'data');
    fs.mkdirSync(dest);
    const tar = spawnSync('sh', ['-c', `tar -cf - -C /usr lib 2>/dev/null | head -c ${changeMb * 1024 * 1024} | split -b 4M - ${dest}/part-`]);
    if (tar.status !== 0) throw new Error(tar.stderr.toString());
    written = fs.readdirSync(dest).reduce((n, f) => n + fs.statSync(path.join(dest, f)).size, 0);
  } finally {
    unmountRecursive(merged);
  }
  const upper = changeMounts[0].options.find((o) => o.startsWith('upperdir=')).slice('upperdir='.length);
  spawnSync('sync');
  const results = [];
  for (let i = 0; i < 3; i++) {
    const k0 = performance.now();
    const d = await diff(lower, changeMounts, cr.content, { compression: 'gzip' });
    const k1 = performance.now();
    const g = spawnSync('sh', ['-c', `tar -cf - -C ${upper} . | gzip -6 | wc -c`], { encoding: 'utf8' });
    const k2 = performance.now();
    results.push({ kiln: k1 - k0, gnu: k2 - k1, kilnSize: d.descriptor.size, gnuSize: Number(g.stdout.trim()) });
  }
  const mib = written / 1024 / 1024;
  const kilnMs = median(results.map((r) => r.kiln));
  const gnuMs = median(results.map((r) => r.gnu));
  console.log(`\nDiff + gzip (level 6) of a ${mib.toFixed(0)} MiB change, median of 3:`);
  console.log('| tool | time | MiB/s | compressed |\n|---|---|---|---|');
  console.log(`| kiln layer.diff | ${(kilnMs / 1000).toFixed(2)} s | ${(mib / (kilnMs / 1000)).toFixed(0)} | ${(results[0].kilnSize / 1048576).toFixed(1)} MiB |`);
  console.log(`| GNU tar \\| gzip -6 | ${(gnuMs / 1000).toFixed(2)} s | ${(mib / (gnuMs / 1000)).toFixed(0)} | ${(results[0].gnuSize / 1048576).toFixed(1)} MiB |`);
  console.log(`ratio kiln / GNU: ${(kilnMs / gnuMs).toFixed(2)}`);
} finally {
  cr.close();
  spawnSync('sh', ['-c', `grep -o '${root}[^ ]*' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l`]);
  fs.rmSync(root, { recursive: true, force: true });
}
