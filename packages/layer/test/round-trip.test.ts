import test from 'ava';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { apply, diff, diffDirectories, parseTar, decompress, type LayerChange } from '@kiln/layer';
import { sha256Digest } from '@kiln/oci';
import { mountAll, unmountRecursive } from '@kiln/sys';
import { changeThroughOverlay, makeChanges, populateLower, unicodeName } from './support/fixture-tree.ts';
import { FileContent } from './support/file-content.ts';
import { snapshotTree } from './support/tree.ts';
import { tempDir } from './support/tmp.ts';

const bind = (dir: string) => [{ type: 'bind', source: dir, options: ['rbind'] }];

/** Lower tree, overlay changes, and the expected merged result (a cp -a of the overlay's merged view). */
function setup(t: Parameters<typeof tempDir>[0]) {
  const base = tempDir(t, 'rt');
  const lower = path.join(base, 'lower');
  fs.mkdirSync(lower);
  populateLower(lower);
  const { upper, work } = changeThroughOverlay(base, lower, makeChanges);
  const overlay = [{ type: 'overlay', source: 'overlay', options: [`lowerdir=${lower}`, `upperdir=${upper}`, `workdir=${work}`] }];
  // The expected tree is what the overlay shows, copied with every attribute.
  const expected = path.join(base, 'expected');
  const merged = path.join(base, 'merged');
  mountAll(overlay, merged);
  try {
    execFileSync('cp', ['-a', merged, expected]);
  } finally {
    unmountRecursive(merged);
  }
  return { base, lower, upper, work, expected, overlay, content: new FileContent(path.join(base, 'content')) };
}

async function changeList(changes: AsyncIterable<LayerChange>): Promise<string[]> {
  const out = [];
  for await (const c of changes) out.push(`${c.kind} ${c.path}`);
  return out;
}

test('overlay upper changes: kernel whiteouts and opaque dirs become removals, in deterministic order', async (t) => {
  const { upper } = setup(t);
  const changes = await changeList(diffDirectories(undefined, upper, { mode: 'overlay-upper' }));
  t.true(changes.includes('whiteout etc/gone'));
  t.true(changes.includes('whiteout gonedir'));
  t.true(changes.includes('opaque opq'));
  t.true(changes.includes('upsert usr/lib/libnew.so'));
  t.false(changes.some((c) => c.includes('etc/keep')));
  // A directory's opaque marker and removals come right after it, before its other children.
  t.true(changes.indexOf('opaque opq') === changes.indexOf('upsert opq') + 1);
  t.true(changes.indexOf('whiteout etc/gone') < changes.indexOf('upsert etc/modify'));
  t.deepEqual(await changeList(diffDirectories(undefined, upper, { mode: 'overlay-upper' })), changes);
});

for (const compression of ['gzip', 'zstd', 'uncompressed'] as const) {
  test(`apply(diff(overlay upper, ${compression})) onto a copy of lower reproduces the tree`, async (t) => {
    const { base, lower, overlay, expected, content } = setup(t);
    const result = await diff(bind(lower), overlay, content, { compression });
    t.regex(result.descriptor.mediaType, compression === 'uncompressed' ? /tar$/ : new RegExp(`\\+${compression}$`));
    if (compression === 'uncompressed') t.is(result.diffId, result.descriptor.digest);
    else t.not(result.diffId, result.descriptor.digest);
    t.deepEqual(content.listing().ingest, []);
    const target = path.join(base, 'target');
    execFileSync('cp', ['-a', lower, target]);
    const applied = await apply(result.descriptor, target, { content, diffId: result.diffId });
    t.is(applied.diffId, result.diffId);
    t.is(applied.size, result.uncompressedSize);
    t.deepEqual(snapshotTree(target), snapshotTree(expected));
  });
}

test('the same changes give the same layer bytes twice (deterministic)', async (t) => {
  const { lower, overlay, content } = setup(t);
  const a = await diff(bind(lower), overlay, content, { compression: 'gzip' });
  const b = await diff(bind(lower), overlay, content, { compression: 'gzip' });
  t.is(a.descriptor.digest, b.descriptor.digest);
});

test('apply onto an overlay mount writes overlay whiteouts into the upper dir; the merged view equals the tree', async (t) => {
  const { base, lower, overlay, expected, content } = setup(t);
  const layer = await diff(bind(lower), overlay, content);
  const upper2 = path.join(base, 'upper2');
  const work2 = path.join(base, 'work2');
  fs.mkdirSync(upper2);
  fs.mkdirSync(work2);
  const target = [{ type: 'overlay', source: 'overlay', options: [`lowerdir=${lower}`, `upperdir=${upper2}`, `workdir=${work2}`] }];
  await apply(layer.descriptor, target, { content, diffId: layer.diffId });
  const gone = fs.lstatSync(path.join(upper2, 'etc/gone'));
  t.true(gone.isCharacterDevice() && gone.rdev === 0);
  t.false(fs.existsSync(path.join(upper2, 'lib')), 'the lower usr-merge symlink is followed, not shadowed by a directory');
  const merged = path.join(base, 'merged2');
  fs.mkdirSync(merged);
  mountAll(target, merged);
  try {
    t.deepEqual(snapshotTree(merged), snapshotTree(expected));
  } finally {
    unmountRecursive(merged);
  }
  // The second layer diffed from the new upper dir is the same layer.
  const again = await diff(bind(lower), target, content);
  t.is(again.diffId, layer.diffId);
});

test('compare mode (copy snapshots) finds the same changes and round-trips', async (t) => {
  const { base, lower, expected, content } = setup(t);
  const result = await diff(bind(lower), bind(expected), content, { compression: 'gzip' });
  const target = path.join(base, 'target');
  execFileSync('cp', ['-a', lower, target]);
  await apply(result.descriptor, target, { content, diffId: result.diffId });
  t.deepEqual(snapshotTree(target), snapshotTree(expected));
  const names: string[] = [];
  for await (const e of parseTar(decompress(content.readStream(result.descriptor.digest)))) names.push(e.header.name);
  t.true(names.includes('etc/.wh.gone'));
  t.true(names.includes('.wh.gonedir'));
  t.true(names.includes('opq/.wh.old1'), 'compare mode writes explicit whiteouts, as the spec prefers');
  t.false(names.includes('etc/keep'));
  t.true(names.includes(unicodeName));
});

test('a full tree against an empty lower is a base layer; hardlinks stay links', async (t) => {
  const { base, expected, content } = setup(t);
  const result = await diff([], bind(expected), content, { compression: 'zstd' });
  const target = path.join(base, 'fresh');
  fs.mkdirSync(target);
  await apply(result.descriptor, target, { content });
  t.deepEqual(snapshotTree(target), snapshotTree(expected));
  t.is(fs.statSync(path.join(target, 'hard-b')).ino, fs.statSync(path.join(target, 'hard-a')).ino);
});

test('SOURCE_DATE_EPOCH clamps newer mtimes and keeps older ones', async (t) => {
  const { lower, overlay, content } = setup(t);
  const result = await diff(bind(lower), overlay, content, { sourceDateEpoch: 1650000000 });
  const times = new Map<string, number>();
  for await (const e of parseTar(decompress(content.readStream(result.descriptor.digest)))) times.set(e.header.name, e.header.mtime);
  t.is(times.get('etc/modify'), 1600000000);
  t.is(times.get('bin/suid'), 1650000000);
  t.is(times.get('etc/.wh.gone'), 1650000000);
});

test('a wrong diff_id is data loss', async (t) => {
  const { base, lower, overlay, content } = setup(t);
  const result = await diff(bind(lower), overlay, content, { compression: 'uncompressed' });
  const target = path.join(base, 't');
  execFileSync('cp', ['-a', lower, target]);
  await t.throwsAsync(apply(result.descriptor, target, { content, diffId: sha256Digest('0'.repeat(64)) }), { code: 'DataLoss' });
});
