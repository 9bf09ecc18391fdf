// bench/lib/workloads: the build workloads of the comparison (issue 7), each
// generating its context under the bench's work dir and running its
// scenarios (cold, warm, after a change, export) on one engine per call.
// Dockerfiles live outside their contexts, so `COPY .` copies only the data.
import { randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { run } from './util.mjs';

/**
 * kiln's Dockerfile asks for the host network per RUN too, so the workload
 * does not depend on whether `kiln build --network` reaches the RUN steps
 * yet; docker 20.10's Dockerfile frontend has RUN --network only in its labs
 * channel, so BuildKit and buildah get the build-wide flag alone.
 */
function dockerfiles(dir, name, text, { hostNetwork = false } = {}) {
  const plain = path.join(dir, `${name}.Dockerfile`);
  fs.writeFileSync(plain, text);
  if (!hostNetwork) return { kiln: plain, buildkit: plain, buildah: plain };
  const kiln = path.join(dir, `${name}.kiln.Dockerfile`);
  fs.writeFileSync(kiln, text.replace(/^RUN /gm, 'RUN --network=host '));
  return { kiln, buildkit: plain, buildah: plain };
}

/** A fresh copy of `master` (untimed), written back to disk before a build reads it. */
function freshCopy(master, dest) {
  fs.rmSync(dest, { recursive: true, force: true });
  run('cp', ['-a', master, dest]);
  run('sync', []);
  return dest;
}

const tagOf = (engine, w) => `bench-${w}:${engine.id}`;

/**
 * @typedef {(scenario: string, engine: string, seconds: number, rss?: number) => void} Record
 * @typedef {object} Workload
 * @property {string} id
 * @property {string} title
 * @property {string[]} bases  names of the base images it needs (`busybox`, `debian`, `node`)
 * @property {(dir: string, opts: object) => unknown} prepare
 * @property {(engine: import('./engines.mjs').Engine, state: any, round: number, record: Record) => Promise<void>} round
 */

/** @type {Workload} */
const w1 = {
  id: 'w1',
  title: 'three independent `RUN sleep 2` stages, a final stage copying from each',
  bases: ['busybox'],
  prepare(dir) {
    const context = path.join(dir, 'w1-context');
    fs.mkdirSync(context, { recursive: true });
    const stages = ['a', 'b', 'c'].map((s) => `FROM busybox AS ${s}\nRUN sleep 2 && echo ${s} > /out\n`).join('');
    const final = 'FROM busybox\nCOPY --from=a /out /a\nCOPY --from=b /out /b\nCOPY --from=c /out /c\n';
    return { context, files: dockerfiles(dir, 'w1', stages + final) };
  },
  async round(engine, s, _round, record) {
    const req = { context: s.context, dockerfile: s.files[engine.id], tag: tagOf(engine, 'w1') };
    const cold = await engine.build({ ...req, noCache: true });
    record('cold', engine.id, cold.seconds, cold.rss);
    const warm = await engine.build(req);
    record('warm', engine.id, warm.seconds, warm.rss);
  },
};

/** @type {Workload} */
const w2 = {
  id: 'w2',
  title: '`COPY . /app` of N files × B bytes (incompressible, 100 dirs), then a RUN',
  bases: ['busybox'],
  prepare(dir, { files = 20000, bytes = 10000, dirs = 100 } = {}) {
    const master = path.join(dir, 'w2-master');
    const buf = Buffer.alloc(bytes);
    for (let d = 0; d < dirs; d++) fs.mkdirSync(path.join(master, `d${String(d).padStart(3, '0')}`), { recursive: true });
    for (let i = 0; i < files; i++) {
      randomFillSync(buf);
      fs.writeFileSync(path.join(master, `d${String(i % dirs).padStart(3, '0')}`, `f${String(i).padStart(6, '0')}`), buf);
    }
    run('sync', []);
    const text = 'FROM busybox\nCOPY . /app\nRUN ls -R /app | wc -l\n';
    return { master, dir, files: dockerfiles(dir, 'w2', text), changed: path.join('d042', `f${String(42).padStart(6, '0')}`), bytes, count: files };
  },
  async round(engine, s, round, record) {
    const context = freshCopy(s.master, path.join(s.dir, `w2-context-${engine.id}-${round}`));
    const tag = tagOf(engine, 'w2');
    const req = { context, dockerfile: s.files[engine.id], tag };
    try {
      const cold = await engine.build({ ...req, noCache: true });
      record('cold', engine.id, cold.seconds, cold.rss);
      const warm = await engine.build(req);
      record('warm', engine.id, warm.seconds, warm.rss);
      const changed = Buffer.alloc(s.bytes);
      randomFillSync(changed);
      fs.writeFileSync(path.join(context, s.changed), changed);
      const after = await engine.build(req);
      record('one file changed', engine.id, after.seconds, after.rss);
      const dest = path.join(s.dir, `w2-export-${engine.id}.tar`);
      const exported =
        engine.id === 'kiln' ? await engine.build({ ...req, ociDest: dest }) : await engine.exportOci(tag, dest);
      record('export to OCI tar', engine.id, exported.seconds, exported.rss);
      record('export size (MB)', engine.id, fs.statSync(dest).size / 1e6);
      fs.rmSync(dest);
    } finally {
      fs.rmSync(context, { recursive: true, force: true });
    }
  },
};

/** @type {Workload} */
const w3 = {
  id: 'w3',
  title: 'debian + `apt-get install ca-certificates curl` (host network)',
  bases: ['debian'],
  prepare(dir) {
    const context = path.join(dir, 'w3-context');
    fs.mkdirSync(context, { recursive: true });
    const text = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl\n';
    return { context, files: dockerfiles(dir, 'w3', text, { hostNetwork: true }) };
  },
  async round(engine, s, _round, record) {
    const req = { context: s.context, dockerfile: s.files[engine.id], tag: tagOf(engine, 'w3'), network: 'host' };
    const cold = await engine.build({ ...req, noCache: true });
    record('cold', engine.id, cold.seconds, cold.rss);
    const warm = await engine.build(req);
    record('warm', engine.id, warm.seconds, warm.rss);
  },
};

const w4Package = {
  name: 'bench-w4-app',
  version: '1.0.0',
  private: true,
  type: 'module',
  scripts: { build: 'tsc -p tsconfig.json' },
  dependencies: { dayjs: '^1.11.13', express: '^4.21.2', zod: '^3.24.1' },
  devDependencies: { '@types/express': '^4.17.21', '@types/node': '^22.10.0', typescript: '^5.7.2' },
};
const w4Tsconfig = {
  compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', outDir: 'dist', rootDir: 'src', strict: true, esModuleInterop: true, skipLibCheck: true },
  include: ['src'],
};
const w4Server = `import express from 'express';
import dayjs from 'dayjs';
import { z } from 'zod';
import { greet } from './greet.js';

const Query = z.object({ name: z.string().min(1).default('world') });
const app = express();
app.get('/', (req, res) => {
  const query = Query.parse(req.query);
  res.json({ message: greet(query.name), at: dayjs().toISOString() });
});

if (process.argv.includes('--check')) {
  console.log(greet('check'));
} else {
  const port = Number(process.env.PORT ?? 8080);
  app.listen(port, () => console.log(\`listening on \${port}\`));
}
`;
const w4Greet = `export function greet(name: string): string {
  return \`hello, \${name}\`;
}
`;

/** @type {Workload} */
const w4 = {
  id: 'w4',
  title: 'Node.js app: `npm ci` from the npm registry, `tsc` build, multistage to a slim runtime (host network)',
  bases: ['node'],
  prepare(dir, { cacheRoot = process.env.KILN_FIXTURE_CACHE ?? '/var/cache/kiln-fixtures' } = {}) {
    // The lock file is resolved once and kept, so every run installs the same versions.
    const lockDir = path.join(cacheRoot, 'bench-w4-lock');
    const pkgText = `${JSON.stringify(w4Package, null, 2)}\n`;
    if (!fs.existsSync(path.join(lockDir, 'package-lock.json')) || fs.readFileSync(path.join(lockDir, 'package.json'), 'utf8') !== pkgText) {
      fs.rmSync(lockDir, { recursive: true, force: true });
      fs.mkdirSync(lockDir, { recursive: true });
      fs.writeFileSync(path.join(lockDir, 'package.json'), pkgText);
      run('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: lockDir });
    }
    const master = path.join(dir, 'w4-master');
    fs.mkdirSync(path.join(master, 'src'), { recursive: true });
    fs.writeFileSync(path.join(master, 'package.json'), pkgText);
    fs.copyFileSync(path.join(lockDir, 'package-lock.json'), path.join(master, 'package-lock.json'));
    fs.writeFileSync(path.join(master, 'tsconfig.json'), `${JSON.stringify(w4Tsconfig, null, 2)}\n`);
    fs.writeFileSync(path.join(master, 'src/server.ts'), w4Server);
    fs.writeFileSync(path.join(master, 'src/greet.ts'), w4Greet);
    fs.writeFileSync(path.join(master, '.dockerignore'), 'node_modules\ndist\n');
    const text = [
      'FROM bench-node:24 AS deps',
      'WORKDIR /app',
      'COPY package.json package-lock.json ./',
      'RUN npm ci --no-audit --no-fund',
      'FROM deps AS build',
      'COPY tsconfig.json ./',
      'COPY src ./src',
      'RUN npm run build && node dist/server.js --check && npm prune --omit=dev --no-audit --no-fund',
      'FROM bench-node:24-slim',
      'WORKDIR /app',
      'ENV NODE_ENV=production',
      'COPY --from=build /app/package.json ./',
      'COPY --from=build /app/node_modules ./node_modules',
      'COPY --from=build /app/dist ./dist',
      'USER 1000',
      'CMD ["node", "dist/server.js"]',
      '',
    ].join('\n');
    return { master, dir, files: dockerfiles(dir, 'w4', text, { hostNetwork: true }) };
  },
  async round(engine, s, round, record) {
    const context = freshCopy(s.master, path.join(s.dir, `w4-context-${engine.id}-${round}`));
    const req = { context, dockerfile: s.files[engine.id], tag: tagOf(engine, 'w4'), network: 'host' };
    try {
      const cold = await engine.build({ ...req, noCache: true });
      record('cold', engine.id, cold.seconds, cold.rss);
      const warm = await engine.build(req);
      record('warm', engine.id, warm.seconds, warm.rss);
      fs.appendFileSync(path.join(context, 'src/greet.ts'), `export const revision = ${round + 1};\n`);
      const after = await engine.build(req);
      record('source changed', engine.id, after.seconds, after.rss);
    } finally {
      fs.rmSync(context, { recursive: true, force: true });
    }
  },
};

/** @type {Workload} */
const w5 = {
  id: 'w5',
  title: '50 steps `RUN echo N > /fN` (and a 1-step baseline)',
  bases: ['busybox'],
  prepare(dir, { steps = 50 } = {}) {
    const context = path.join(dir, 'w5-context');
    fs.mkdirSync(context, { recursive: true });
    const lines = (n) => `FROM busybox\n${Array.from({ length: n }, (_, i) => `RUN echo ${i + 1} > /f${i + 1}\n`).join('')}`;
    return { context, steps, files: dockerfiles(dir, 'w5', lines(steps)), one: dockerfiles(dir, 'w5-one', lines(1)) };
  },
  async round(engine, s, _round, record) {
    const base = await engine.build({ context: s.context, dockerfile: s.one[engine.id], tag: tagOf(engine, 'w5-one'), noCache: true });
    record('1-step baseline, cold', engine.id, base.seconds, base.rss);
    const req = { context: s.context, dockerfile: s.files[engine.id], tag: tagOf(engine, 'w5') };
    const cold = await engine.build({ ...req, noCache: true });
    record('cold', engine.id, cold.seconds, cold.rss);
    record('per-step overhead, cold', engine.id, (cold.seconds - base.seconds) / (s.steps - 1));
    const warm = await engine.build(req);
    record('warm', engine.id, warm.seconds, warm.rss);
  },
};

/** The workloads by id, in the order they run. */
export const workloads = { w1, w2, w3, w4, w5 };
