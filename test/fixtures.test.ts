// The base-image fixtures every later test builds on: made from Debian's
// packages by fixtures/images/*.sh, reproducible, and accepted by tools nobody
// here wrote (skopeo, umoci, runc).
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './support/shared.ts';

const scripts = path.join(repoRoot, 'fixtures', 'images');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-fixtures-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

function make(script: string, out: string): string {
  return execFileSync(path.join(scripts, script), [out], { encoding: 'utf8' }).trim();
}

test('the busybox image is reproducible: two runs give the same manifest digest', (t) => {
  const a = make('make-busybox.sh', path.join(tmp, 'bb-a'));
  const b = make('make-busybox.sh', path.join(tmp, 'bb-b'));
  t.regex(a, /^sha256:[0-9a-f]{64}$/);
  t.is(a, b);
});

test('skopeo inspects the busybox layout and umoci unpacks it into a bundle runc runs', (t) => {
  const layout = path.join(tmp, 'bb-run');
  const digest = make('make-busybox.sh', layout);
  const info = JSON.parse(execFileSync('skopeo', ['inspect', `oci:${layout}:latest`], { encoding: 'utf8' })) as { Digest: string; Os: string; Layers: string[] };
  t.is(info.Digest, digest);
  t.is(info.Os, 'linux');
  t.is(info.Layers.length, 1);

  const bundle = path.join(tmp, 'bb-bundle');
  execFileSync('umoci', ['unpack', '--image', `${layout}:latest`, bundle], { stdio: 'ignore' });
  const configPath = path.join(bundle, 'config.json');
  const config = JSON.parse(fs.readFileSync(configPath, 'utf8')) as { process: { terminal: boolean; args: string[] } };
  config.process.terminal = false;
  config.process.args = ['/bin/sh', '-c', 'echo hello from $(cat /etc/passwd | head -1 | cut -d: -f1)'];
  fs.writeFileSync(configPath, JSON.stringify(config));
  const id = `kiln-fixture-${process.pid}`;
  try {
    const run = spawnSync('runc', ['run', '--bundle', bundle, id], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    t.is(run.status, 0, run.stderr);
    t.is(run.stdout.trim(), 'hello from root');
  } finally {
    spawnSync('runc', ['delete', '--force', id], { stdio: 'ignore' });
  }
});

test('the debian:bookworm image is a valid layout with apt inside (cached between runs)', (t) => {
  const layout = path.join(tmp, 'debian');
  const digest = execFileSync(path.join(scripts, 'make-debian.sh'), [layout], { encoding: 'utf8' }).trim();
  const info = JSON.parse(execFileSync('skopeo', ['inspect', `oci:${layout}:bookworm`], { encoding: 'utf8' })) as { Digest: string };
  t.is(info.Digest, digest);
  const list = execFileSync('sh', ['-c', `tar -tzf ${layout}/blobs/sha256/$(skopeo inspect --raw oci:${layout}:bookworm | python3 -c 'import json,sys; print(json.load(sys.stdin)["layers"][0]["digest"].split(":")[1])')`], { encoding: 'utf8', maxBuffer: 64 << 20 });
  t.true(list.includes('./usr/bin/apt-get'));
});
