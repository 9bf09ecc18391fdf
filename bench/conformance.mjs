#!/usr/bin/env node
// bench/conformance: every Dockerfile under fixtures/ and examples/ that
// docker 20.10's BuildKit can build (no heredocs, --link, --parents or other
// later syntax), built with kiln and with BuildKit from the same context and
// the same busybox/debian base images; the two images' file trees (paths,
// types, modes, owners, content, link targets; not times) and configs (not
// creation times or layer digests) are compared and every difference printed.
// Differences kiln makes on purpose are listed under `deliberate` below and
// reported separately.
//
// Usage (as root, after npm run setup): node bench/conformance.mjs [--only NAME] [--log FILE]
// Exit status 1 when a difference is not explained.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensurePackages, startDocker } from './lib/anchors.mjs';
import * as bases from './lib/base-images.mjs';
import { buildkitEngine, kilnEngine } from './lib/engines.mjs';
import { diffJson, diffTrees, normalizeConfig, readConfig, unpack, walkTree } from './lib/image-tree.mjs';
import { option, removeTree, repo, say, tempDir } from './lib/util.mjs';

const args = process.argv.slice(2);
const only = option(args, '--only', undefined);
const logFile = option(args, '--log', path.join(os.tmpdir(), `kiln-bench-conformance-${process.pid}.log`));

/**
 * Differences that are kiln's choice, each with why; matched against the
 * printed difference lines.
 * @type {{ pattern: RegExp, why: string }[]}
 */
const deliberate = [
  // kiln writes history the way current BuildKit's Dockerfile frontend does;
  // docker 20.10 embeds the frontend of BuildKit 0.8, whose texts were older.
  { pattern: /^config \.history\[\d+\]\.created_by: "ARG \w+=[^"]*" vs "ARG \w+"$/, why: 'current BuildKit records the value an ARG took from its global default; 0.8 wrote the bare name' },
  { pattern: /^config \.history\[\d+\]\.created_by: "EXPOSE \[[^\]]*\]" vs "EXPOSE map\[[^\]]*\]"$/, why: 'current BuildKit lists the ports; 0.8 printed a Go map' },
  { pattern: /^config \.history\[\d+\]\.created_by: "HEALTHCHECK \{Test:.*" vs "HEALTHCHECK &\{.*"$/, why: "current BuildKit prints the health check's fields by name; 0.8 printed Go's %v of the struct" },
  { pattern: /^config \.history\[\d+\]\.created_by: "(COPY|ADD) --chown=\S+ (.*)" vs "\1 \2"$/, why: 'current BuildKit records --chown in the history; 0.8 left it out' },
];

/** Syntax docker 20.10's Dockerfile frontend does not know. */
const tooNew = [
  [/^\s*(RUN|COPY|ADD)\b[^\n]*<<-?\s*["']?[A-Za-z_]/im, 'heredoc'],
  [/--link\b/, 'COPY --link'],
  [/--parents\b/, 'COPY --parents'],
  [/--exclude\b/, 'COPY --exclude'],
  [/--checksum\b/, 'ADD --checksum'],
  [/^\s*#\s*check\s*=/im, '# check= directive'],
  [/^\s*RUN\b[^\n]*--(mount|network|security)\b/im, 'RUN --mount/--network/--security (labs in 20.10)'],
];

/** Dockerfiles under fixtures/ and examples/ (named Dockerfile, *.Dockerfile or Dockerfile.*). */
function findDockerfiles() {
  const found = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== 'node_modules') walk(p);
      else if (e.isFile() && /^(Dockerfile(\..+)?|.+\.Dockerfile)$/.test(e.name)) found.push(p);
    }
  };
  for (const top of ['fixtures', 'examples']) if (fs.existsSync(path.join(repo, top))) walk(path.join(repo, top));
  return found.sort();
}

const work = tempDir('kiln-bench-conformance-');
let docker;
let unexplained = 0;
try {
  ensurePackages();
  say(`work dir ${work}; engine output goes to ${logFile}`);
  docker = await startDocker(work, `${logFile}.dockerd`);
  const kiln = kilnEngine(work, { logFile });
  const buildkit = buildkitEngine(work, docker, { logFile });
  const imageDir = path.join(work, 'images');
  fs.mkdirSync(imageDir);
  const files = findDockerfiles().filter((f) => !only || f.includes(only));
  const texts = new Map(files.map((f) => [f, fs.readFileSync(f, 'utf8')]));
  const images = [bases.busybox(imageDir)];
  if ([...texts.values()].some((t) => /^\s*FROM\s+debian/im.test(t))) images.push(bases.debian(imageDir));
  for (const image of images) for (const engine of [kiln, buildkit]) engine.load(image);

  const summary = [];
  for (const file of files) {
    const name = path.relative(repo, file);
    const text = texts.get(file);
    const reason = tooNew.find(([re]) => re.test(text));
    if (reason) {
      summary.push(`${name}: skipped, BuildKit of docker 20.10 cannot build it (${reason[1]})`);
      continue;
    }
    // A `# syntax=` line would make BuildKit fetch a frontend image (no registry is reachable); both get it without.
    const dockerfile = path.join(work, `${summary.length}.Dockerfile`);
    fs.writeFileSync(dockerfile, text.replace(/^#\s*syntax\s*=.*\n/im, ''));
    const context = path.dirname(file);
    const tag = `conformance-${summary.length}`;
    say(`${name}: building with kiln and BuildKit`);
    const built = {};
    const ids = {};
    for (const engine of [kiln, buildkit]) {
      try {
        const iid = (n) => path.join(work, `${tag}-${engine.id}-${n}.iid`);
        await engine.build({ context, dockerfile, tag: `${tag}:${engine.id}`, noCache: true, iidfile: iid(1) });
        // A rebuild that finds every step cached must name the same image (BuildKit keeps the layers' creation times).
        await engine.build({ context, dockerfile, tag: `${tag}:${engine.id}`, iidfile: iid(2) });
        ids[engine.id] = [1, 2].map((n) => fs.readFileSync(iid(n), 'utf8').trim());
        built[engine.id] = true;
      } catch (error) {
        built[engine.id] = error;
      }
    }
    if (built.buildkit !== true) {
      summary.push(`${name}: skipped, BuildKit failed: ${String(built.buildkit.message).split('\n').slice(-3).join(' / ')}`);
      continue;
    }
    if (built.kiln !== true) {
      unexplained++;
      summary.push(`${name}: DIFFERENT: BuildKit builds it, kiln fails: ${String(built.kiln.message).split('\n').slice(-5).join(' / ')}`);
      continue;
    }
    const dir = path.join(work, tag);
    const layouts = { kiln: path.join(dir, 'kiln-oci'), buildkit: path.join(dir, 'buildkit-oci') };
    kiln.ociLayout(`${tag}:kiln`, layouts.kiln);
    buildkit.ociLayout(`${tag}:buildkit`, layouts.buildkit);
    const trees = Object.fromEntries(Object.entries(layouts).map(([id, layout]) => [id, walkTree(unpack(layout, path.join(dir, `${id}-rootfs`)))]));
    const sameId = (id) => ids[id][0] === ids[id][1];
    const lines = [
      ...(sameId('kiln') === sameId('buildkit') ? [] : [`rebuild from cache gives the same image id: kiln ${sameId('kiln') ? 'yes' : 'no'}, BuildKit ${sameId('buildkit') ? 'yes' : 'no'}`]),
      ...diffTrees(trees.kiln, trees.buildkit).map((l) => `tree ${l}`),
      ...diffJson(normalizeConfig(readConfig(layouts.kiln)), normalizeConfig(readConfig(layouts.buildkit))).map((l) => `config ${l}`),
    ];
    const explained = lines.map((l) => ({ line: l, why: deliberate.find((d) => d.pattern.test(l))?.why }));
    const open = explained.filter((e) => !e.why);
    unexplained += open.length;
    summary.push(`${name}: ${trees.kiln.size} entries; ${open.length ? `${open.length} unexplained difference(s)` : 'same'}${explained.length - open.length ? `, ${explained.length - open.length} deliberate` : ''}`);
    for (const e of explained) summary.push(`    ${e.why ? 'deliberate' : 'DIFF'}: ${e.line}${e.why ? `  (${e.why})` : ''}`);
    removeTree(dir);
  }
  console.log(`\n### kiln vs docker ${docker.version ?? '20.10'} BuildKit: conformance of ${files.length} Dockerfiles\n`);
  for (const l of summary) console.log(l);
  console.log(`\n${unexplained === 0 ? 'no unexplained difference' : `${unexplained} unexplained difference(s)`}`);
} finally {
  if (docker) await docker.stop();
  removeTree(work);
}
process.exitCode = unexplained === 0 ? 0 : 1;
