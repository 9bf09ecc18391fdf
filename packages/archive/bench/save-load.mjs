// Measures save (OCI tar, docker archive) and load of one image with a big gzip layer, and peak RSS,
// to check that layers stream rather than buffer. Usage: node packages/archive/bench/save-load.mjs [MiB=256]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { createHash, randomBytes } from 'node:crypto';
import { loadArchive, saveArchive } from '@kiln/archive';
import { openContentRoot } from '@kiln/content';
import { createTarEncoder } from '@kiln/layer';
import { MediaType, serializeImageConfig, serializeImageManifest } from '@kiln/oci';

const mib = Number(process.argv[2] ?? 256);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-archive-bench-'));
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const time = async (label, fn) => {
  const start = performance.now();
  peak = process.memoryUsage().rss;
  await fn();
  console.log(`${label}: ${((performance.now() - start) / 1000).toFixed(2)} s, peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`);
};
try {
  const root = await openContentRoot(path.join(work, 'a'));
  // One file of semi-compressible bytes (text-like: repeated words with a counter), inside a tar.
  const size = mib * 2 ** 20;
  const encoder = createTarEncoder();
  async function* layerTar() {
    yield encoder.header({ name: 'big', type: 'file', mode: 0o644, uid: 0, gid: 0, size, mtime: 0 });
    const chunk = 1 << 20;
    // base64 of random bytes: about 75% compressible, like binaries and text mixed.
    for (let off = 0; off < size; off += chunk) yield Buffer.from(randomBytes(chunk).toString('base64')).subarray(0, Math.min(chunk, size - off));
    yield encoder.padding(size);
    yield encoder.end();
  }
  const diff = createHash('sha256');
  const tarFile = path.join(work, 'layer.tar.gz');
  await pipeline(layerTar(), async function* (src) { for await (const c of src) { diff.update(c); yield c; } }, zlib.createGzip({ level: 1 }), fs.createWriteStream(tarFile));
  const layer = await root.content.ingest(fs.createReadStream(tarFile));
  const config = await root.content.writeBytes(serializeImageConfig({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${diff.digest('hex')}`] } }));
  const manifest = await root.content.writeBytes(serializeImageManifest({
    schemaVersion: 2, mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, ...config }, layers: [{ mediaType: MediaType.ociLayerGzip, ...layer }],
  }));
  const images = [{ target: { mediaType: MediaType.ociManifest, ...manifest }, names: ['bench:1'] }];
  console.log(`layer: ${mib} MiB uncompressed, ${(layer.size / 2 ** 20).toFixed(1)} MiB gzip`);
  await time('save OCI tar', () => saveArchive(root.content, images, { file: path.join(work, 'oci.tar') }, { format: 'oci' }));
  await time('save docker archive (2 gunzip passes)', () => saveArchive(root.content, images, { file: path.join(work, 'docker.tar') }, { format: 'docker' }));
  const b = await openContentRoot(path.join(work, 'b'));
  await time('load OCI tar', () => loadArchive(b, path.join(work, 'oci.tar')));
  const c = await openContentRoot(path.join(work, 'c'));
  await time('load docker archive', () => loadArchive(c, path.join(work, 'docker.tar')));
  root.close(); b.close(); c.close();
} finally {
  clearInterval(sampler);
  fs.rmSync(work, { recursive: true, force: true });
}
