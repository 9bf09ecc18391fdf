// SOURCE_DATE_EPOCH through the CLI: two --no-cache builds of the same Dockerfile (RUN, COPY from the context,
// multi-stage COPY --from) in two separate kiln roots, from two copies of the context written at different
// times, one with the epoch as a build-arg and one from the environment, give the same image digest.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { kiln, makeBusyboxLayout } from './support/images-cli.ts';
import { writeContext } from './support/outputs-build.ts';
import { busyboxEnv } from './support/build-cli.ts';

const ready = process.getuid?.() === 0 && fs.existsSync('/bin/busybox');
const epoch = 1_700_000_000;

interface Built {
  readonly digest: string;
  readonly manifest: { layers: { digest: string; annotations?: Record<string, string> }[] };
  readonly config: { created: string; history: { created?: string }[] };
}

function readBuilt(root: string, metadataFile: string): Built {
  const metadata = JSON.parse(fs.readFileSync(metadataFile, 'utf8')) as Record<string, string>;
  const blob = (digest: string) => JSON.parse(fs.readFileSync(path.join(root, 'content', 'blobs', 'sha256', digest.slice(7)), 'utf8')) as unknown;
  return {
    digest: metadata['containerimage.digest']!,
    manifest: blob(metadata['containerimage.digest']!) as Built['manifest'],
    config: blob(metadata['containerimage.config.digest']!) as Built['config'],
  };
}

(ready ? test : test.skip)('two --no-cache builds with SOURCE_DATE_EPOCH in separate kiln roots give the same digest; base layers untouched', async (t) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-outputs-repro-'));
  t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
  const layout = path.join(work, 'busybox');
  makeBusyboxLayout(layout);
  const busybox = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const baseManifest = JSON.parse(fs.readFileSync(path.join(layout, 'blobs', 'sha256', busybox.manifests[0]!.digest.slice(7)), 'utf8')) as { layers: { digest: string }[] };

  const builds: Built[] = [];
  for (const [i, how] of (['build-arg', 'environment'] as const).entries()) {
    const k = busyboxEnv(path.join(work, `env-${i}`), layout, how === 'environment' ? { SOURCE_DATE_EPOCH: String(epoch) } : {});
    // A context of its own, written now: its files are newer than the epoch and differ in mtime between the two builds.
    const context = writeContext(path.join(work, `context-${i}`));
    const metadataFile = path.join(work, `metadata-${i}.json`);
    const args = ['build', '--no-cache', '--progress=plain', '-t', 'repro:1', '--metadata-file', metadataFile, ...(how === 'build-arg' ? ['--build-arg', `SOURCE_DATE_EPOCH=${epoch}`] : []), context];
    const r = kiln(k, args);
    t.is(r.status, 0, r.stderr);
    builds.push(readBuilt(k.root, metadataFile));
    // The second build's files get later mtimes: only the clamp can make their layers equal.
    if (i === 0) await new Promise((resolve) => setTimeout(resolve, 1100));
  }
  const [a, b] = builds as [Built, Built];
  t.is(a.digest, b.digest);
  t.is(a.config.created, '2023-11-14T22:13:20Z');
  t.true(a.config.history.every((h) => h.created !== undefined && Date.parse(h.created) <= epoch * 1000), JSON.stringify(a.config.history));
  const base = baseManifest.layers.length;
  t.deepEqual(a.manifest.layers.slice(0, base).map((l) => [l.digest, l.annotations]), baseManifest.layers.map((l) => [l.digest, undefined]), 'busybox blobs as they came');
  t.true(a.manifest.layers.slice(base).every((l) => l.annotations?.['buildkit/rewritten-timestamp'] === String(epoch)), 'the built layers say they were clamped');
});
