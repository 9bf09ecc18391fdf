#!/usr/bin/env node
// `npm run demo`: kiln's main job. Builds the multistage example in
// examples/hello into an image and runs it with kiln's own executor, printing
// what it prints. The base image (busybox) is made locally from Debian's
// busybox-static package and loaded into kiln's store the first time, since no
// public registry is reachable here.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const kiln = path.join(root, 'node_modules', '.bin', 'kiln');

function step(title, args, options = {}) {
  process.stdout.write(`\n$ kiln ${args.join(' ')}\n`);
  const r = spawnSync(kiln, args, { cwd: root, stdio: 'inherit', ...options });
  if (r.status !== 0) {
    process.stderr.write(`demo: ${title} failed (exit ${r.status})\n`);
    process.exit(r.status ?? 1);
  }
}

const images = spawnSync(kiln, ['images', '--format', 'json'], { cwd: root, encoding: 'utf8' });
const haveBusybox = images.status === 0 && /"busybox:latest"|docker\.io\/library\/busybox:latest/.test(images.stdout);
if (!haveBusybox) {
  const layout = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-demo-busybox-'));
  try {
    spawnSync(path.join(root, 'fixtures/images/make-busybox.sh'), [layout], { stdio: 'ignore' });
    step('loading the busybox base image', ['load', '-i', layout, '--repository', 'busybox']);
  } finally {
    fs.rmSync(layout, { recursive: true, force: true });
  }
}

step('the stage graph', ['debug', 'stages', 'examples/hello/Dockerfile']);
step('the build', ['build', '--progress=plain', '-t', 'kiln-hello:demo', 'examples/hello']);
step('running the image', ['run', 'kiln-hello:demo']);
