import test from 'ava';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { diff } from '@kiln/layer';
import { mountAll, unmountRecursive } from '@kiln/sys';
import { changeThroughOverlay, makeChanges, populateLower } from './support/fixture-tree.ts';
import { FileContent } from './support/file-content.ts';
import { snapshotTree } from './support/tree.ts';
import { tempDir } from './support/tmp.ts';

const bind = (dir: string) => [{ type: 'bind', source: dir, options: ['rbind'] }];

/** A base tree with every feature: the fixture's lower tree with the changes made directly. */
function featureTree(base: string): string {
  const tree = path.join(base, 'tree');
  fs.mkdirSync(tree);
  populateLower(tree);
  makeChanges(tree);
  return tree;
}

function writeBlob(layout: string, data: Buffer | string): { digest: string; size: number } {
  const bytes = Buffer.from(data);
  const hex = createHash('sha256').update(bytes).digest('hex');
  fs.writeFileSync(path.join(layout, 'blobs/sha256', hex), bytes);
  return { digest: `sha256:${hex}`, size: bytes.length };
}

test('umoci unpack of an image made of kiln layers gives the same tree (base layer + overlay diff with whiteouts)', async (t) => {
  const base = tempDir(t, 'umoci');
  const content = new FileContent(path.join(base, 'content'));
  const lower = path.join(base, 'lower');
  fs.mkdirSync(lower);
  populateLower(lower);
  const layer1 = await diff([], bind(lower), content, { compression: 'uncompressed' });
  const { upper, work } = changeThroughOverlay(base, lower, makeChanges);
  const overlay = [{ type: 'overlay', source: 'overlay', options: [`lowerdir=${lower}`, `upperdir=${upper}`, `workdir=${work}`] }];
  // umoci 0.4.7 (Debian) predates zstd layers, so the diff layer is gzip here.
  const layer2 = await diff(bind(lower), overlay, content, { compression: 'gzip' });

  const layout = path.join(base, 'layout');
  fs.mkdirSync(path.join(layout, 'blobs/sha256'), { recursive: true });
  fs.writeFileSync(path.join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  for (const layer of [layer1, layer2]) fs.copyFileSync(content.pathOf(layer.descriptor.digest), path.join(layout, 'blobs/sha256', layer.descriptor.digest.slice(7)));
  const config = writeBlob(layout, JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [layer1.diffId, layer2.diffId] } }));
  const manifest = writeBlob(layout, JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [layer1.descriptor, layer2.descriptor],
  }));
  fs.writeFileSync(path.join(layout, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': 'test' } }],
  }));
  const bundle = path.join(base, 'bundle');
  execFileSync('umoci', ['unpack', '--image', `${layout}:test`, bundle], { stdio: 'pipe' });
  const merged = path.join(base, 'merged');
  // What the overlay showed is the expected tree.
  mountAll(overlay, merged);
  try {
    t.deepEqual(snapshotTree(path.join(bundle, 'rootfs')), snapshotTree(merged));
  } finally {
    unmountRecursive(merged);
  }
});

test('GNU tar extracts a kiln base layer to the same tree (xattrs, capability, big uid, devices, hardlinks)', async (t) => {
  const base = tempDir(t, 'gnutar');
  const tree = featureTree(base);
  const content = new FileContent(path.join(base, 'content'));
  const layer = await diff([], bind(tree), content, { compression: 'gzip' });
  const out = path.join(base, 'out');
  fs.mkdirSync(out);
  execFileSync('tar', ['--xattrs', '--xattrs-include=*', '--numeric-owner', '-xpzf', content.pathOf(layer.descriptor.digest), '-C', out]);
  t.deepEqual(snapshotTree(out), snapshotTree(tree));
  const listing = execFileSync('tar', ['-tzf', content.pathOf(layer.descriptor.digest)]).toString().split('\n');
  t.true(listing.includes('bin/'));
  t.true(listing.includes('bin/cap'));
});
