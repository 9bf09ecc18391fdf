#!/usr/bin/env node
// bench/images: `kiln pull` and `kiln push` of the debian:bookworm image
// (fixtures/images/make-debian.sh, cached) against a local docker-registry,
// timed against `skopeo copy` doing the same transfer in the same run,
// alternating which goes first, several times; the table gives medians and the
// median of the per-round ratios. Then kiln's peak RSS for images whose one
// layer is 1 MB (busybox), 80 MB (debian) and --big-mib MiB (random data):
// it must stay flat as layers grow, since blobs are streamed.
//
// Every kiln and skopeo run is a fresh process; each pull goes into an empty
// kiln root or OCI directory, each push into an empty registry (so neither
// tool can skip or mount blobs it pushed before).
//
// Usage: node bench/images.mjs [--runs N] [--big-mib M]     (after npm run setup)
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startRegistry } from '../packages/registry/test/support/registry-process.ts';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const runs = option('--runs', 5);
const bigMib = option('--big-mib', 512);
const repo = fileURLToPath(new URL('..', import.meta.url));
const kilnBin = path.join(repo, 'node_modules', '.bin', 'kiln');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-bench-images-'));
let counter = 0;
const fresh = (name) => path.join(work, `${name}-${++counter}`);

/** Runs a command under GNU time; returns wall seconds and peak RSS in bytes. Throws on failure. */
function measure(command, commandArgs, env = process.env) {
  const rssFile = fresh('rss');
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, command, ...commandArgs], { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return { seconds, rss: Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) * 1024 };
}

const kilnEnv = (root) => ({ ...process.env, KILN_ROOT: root, DOCKER_CONFIG: path.join(work, 'docker'), KILN_CONFIG: path.join(work, 'none.json') });
const kiln = (root, ...a) => measure(kilnBin, [...a], kilnEnv(root));
const skopeo = (...a) => measure('skopeo', ['--insecure-policy', ...a]);

/** An OCI layout whose one layer is `mebibytes` of random data in one file. */
function makeBigLayout(mebibytes) {
  const rootfs = fresh('big-rootfs');
  fs.mkdirSync(rootfs);
  execFileSync('bash', ['-c', `head -c ${mebibytes}M /dev/urandom > "${rootfs}/random.bin"`]);
  const layout = fresh('big-layout');
  execFileSync(path.join(repo, 'fixtures/images/rootfs-to-oci.sh'), [rootfs, layout, 'latest', 'bench/images.mjs', '["sh"]'], { stdio: 'ignore' });
  fs.rmSync(rootfs, { recursive: true });
  return layout;
}

const layerBytes = (layout) => {
  const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8'));
  const manifest = JSON.parse(fs.readFileSync(path.join(layout, 'blobs/sha256', index.manifests[0].digest.slice(7)), 'utf8'));
  return manifest.layers.reduce((sum, l) => sum + l.size, 0);
};

/** A kiln root holding the layout as `name`, for pushes. */
function kilnRootWith(layout, name) {
  const root = fresh('kiln-src');
  const r = spawnSync(kilnBin, ['load', '-i', layout, '--repository', name], { env: kilnEnv(root), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kiln load failed: ${r.stderr}`);
  return root;
}

async function withRegistry(action) {
  const registry = await startRegistry();
  try {
    return await action(registry.host);
  } finally {
    await registry.stop();
  }
}

try {
  const debian = fresh('debian-layout');
  execFileSync('bash', [path.join(repo, 'fixtures/images/make-debian.sh'), debian, 'bookworm'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const debianSource = kilnRootWith(debian, 'debian');
  const rounds = { pull: { kiln: [], skopeo: [], ratio: [] }, push: { kiln: [], skopeo: [], ratio: [] } };
  const rss = { pull: [], push: [] };

  await withRegistry(async (host) => {
    execFileSync('skopeo', ['--insecure-policy', 'copy', '--dest-tls-verify=false', `oci:${debian}:bookworm`, `docker://${host}/debian:bookworm`], { stdio: 'ignore' });
    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? ['kiln', 'skopeo'] : ['skopeo', 'kiln'];
      const took = {};
      for (const tool of order) {
        const result =
          tool === 'kiln'
            ? kiln(fresh('kiln-root'), 'pull', '--quiet', `${host}/debian:bookworm`)
            : skopeo('copy', '--src-tls-verify=false', `docker://${host}/debian:bookworm`, `oci:${fresh('skopeo-oci')}:bookworm`);
        took[tool] = result.seconds;
        rounds.pull[tool].push(result.seconds);
        if (tool === 'kiln') rss.pull.push(result.rss);
      }
      rounds.pull.ratio.push(took.kiln / took.skopeo);
    }
  });

  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? ['kiln', 'skopeo'] : ['skopeo', 'kiln'];
    const took = {};
    for (const tool of order) {
      const result = await withRegistry(async (host) =>
        tool === 'kiln'
          ? kiln(debianSource, 'push', '--quiet', 'debian:bookworm', `${host}/debian:bookworm`)
          : skopeo('copy', '--dest-tls-verify=false', `oci:${debian}:bookworm`, `docker://${host}/debian:bookworm`),
      );
      took[tool] = result.seconds;
      rounds.push[tool].push(result.seconds);
      if (tool === 'kiln') rss.push.push(result.rss);
    }
    rounds.push.ratio.push(took.kiln / took.skopeo);
  }

  // Peak RSS as the layer grows.
  const busybox = fresh('busybox-layout');
  execFileSync('bash', [path.join(repo, 'fixtures/images/make-busybox.sh'), busybox], { stdio: 'ignore' });
  const big = makeBigLayout(bigMib);
  const memory = [];
  for (const [label, layout] of [['busybox', busybox], ['debian', debian], [`random ${bigMib} MiB`, big]]) {
    const source = label === 'debian' ? debianSource : kilnRootWith(layout, 'img');
    const name = label === 'debian' ? 'debian:bookworm' : 'img:latest';
    const row = await withRegistry(async (host) => {
      const pushed = kiln(source, 'push', '--quiet', name, `${host}/img:v1`);
      const pulled = kiln(fresh('kiln-root'), 'pull', '--quiet', `${host}/img:v1`);
      return { label, layer: layerBytes(layout), push: pushed, pull: pulled };
    });
    memory.push(row);
  }

  const size = mib(layerBytes(debian));
  console.log(`\nkiln vs skopeo copy, debian:bookworm (one ${size} gzip layer), local docker-registry, ${runs} alternating rounds\n`);
  console.log('| transfer | kiln median | skopeo median | kiln/skopeo (median of rounds) | kiln MiB/s | kiln peak RSS (median) |');
  console.log('|---|---|---|---|---|---|');
  for (const op of ['pull', 'push']) {
    const r = rounds[op];
    console.log(
      `| ${op} | ${median(r.kiln).toFixed(2)} s | ${median(r.skopeo).toFixed(2)} s | ${median(r.ratio).toFixed(2)} | ${(layerBytes(debian) / 2 ** 20 / median(r.kiln)).toFixed(0)} | ${mib(median(rss[op]))} |`,
    );
  }
  console.log('\nkiln peak RSS against layer size (one process each; includes Node start-up)\n');
  console.log('| image | layer | kiln push peak RSS | kiln pull peak RSS | push time | pull time |');
  console.log('|---|---|---|---|---|---|');
  for (const m of memory) {
    console.log(`| ${m.label} | ${mib(m.layer)} | ${mib(m.push.rss)} | ${mib(m.pull.rss)} | ${m.push.seconds.toFixed(2)} s | ${m.pull.seconds.toFixed(2)} s |`);
  }
  // Start-up and buffers make a floor; what matters is the slope between the two largest layers.
  const [, mid, top] = memory;
  const peak = (m) => Math.max(m.push.rss, m.pull.rss);
  console.log(`\nfrom the ${mib(mid.layer)} layer to the ${mib(top.layer)} one (+${mib(top.layer - mid.layer)}), kiln's peak RSS changed by ${mib(peak(top) - peak(mid))}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
