import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { importArchive, loadArchive, saveArchive } from '@kiln/archive';
import { digestBytes } from '@kiln/content';
import { encodeTar } from '@kiln/layer';
import { collect, storeTestImage, tempDir, tempRoot, twoLayers } from './support/images.ts';

/** Writes the test image as an OCI layout directory and returns the directory. */
async function layoutOf(t: Parameters<typeof tempRoot>[0]) {
  const root = await tempRoot(t);
  const image = await storeTestImage(root, twoLayers);
  const dir = path.join(tempDir(t), 'layout');
  await saveArchive(root.content, [{ target: image.manifest, names: ['app:v1'] }], { dir }, { format: 'oci' });
  return { image, dir, blob: (digest: string) => path.join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length)) };
}

/** A tar of the files under `dir` (regular files only, sorted), as a tool other than kiln's writer would lay it out. */
async function tarDir(dir: string, file: string): Promise<void> {
  const names = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((n) => fs.statSync(path.join(dir, n)).isFile()).sort();
  const entries = names.map((name) => {
    const body = fs.readFileSync(path.join(dir, name));
    return { header: { name, type: 'file' as const, mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: 0 }, body };
  });
  fs.writeFileSync(file, await collect(encodeTar(entries)));
}

test('a corrupted layer in a layout directory fails with DataLoss and is not stored', async (t) => {
  const { image, dir, blob } = await layoutOf(t);
  const layer = image.layers[0]!.digest;
  const bytes = fs.readFileSync(blob(layer));
  bytes[bytes.length - 3]! ^= 0xff;
  fs.writeFileSync(blob(layer), bytes);
  const target = await tempRoot(t);
  const error = await t.throwsAsync(loadArchive(target, dir));
  t.is((error as { code?: string }).code, 'DataLoss');
  t.regex(error!.message, new RegExp(`expected ${layer}, got ${digestBytes(bytes)}`));
  t.false(await target.content.has(layer));
  t.false(await target.content.has(digestBytes(bytes)));
  t.deepEqual(target.images.list(), []);
  t.deepEqual(fs.readdirSync(path.join(target.content.dir, 'ingest')), [], 'no half-written ingest is left');
});

test('a corrupted blob in an OCI tar fails with DataLoss and is not stored', async (t) => {
  const { image, dir, blob } = await layoutOf(t);
  const config = image.config.digest;
  fs.writeFileSync(blob(config), fs.readFileSync(blob(config)).toString().replace('amd64', 'arm64'));
  const file = path.join(tempDir(t), 'bad.tar');
  await tarDir(dir, file);
  const target = await tempRoot(t);
  const error = await t.throwsAsync(importArchive(file, { content: target.content }));
  t.is((error as { code?: string }).code, 'DataLoss');
  t.regex(error!.message, new RegExp(`blobs/sha256/${config.slice(7)}.*expected ${config}`));
  t.false(await target.content.has(config));
});

test('a blob of the wrong size for its descriptor fails with DataLoss', async (t) => {
  const { image, dir } = await layoutOf(t);
  const indexFile = path.join(dir, 'index.json');
  const index = JSON.parse(fs.readFileSync(indexFile, 'utf8'));
  index.manifests[0].size += 1;
  fs.writeFileSync(indexFile, JSON.stringify(index));
  const target = await tempRoot(t);
  const error = await t.throwsAsync(importArchive(dir, { content: target.content }));
  t.is((error as { code?: string }).code, 'DataLoss');
  t.false(await target.content.has(image.manifest.digest));
});

test('a blob missing from a layout is reported with who references it', async (t) => {
  const { image, dir, blob } = await layoutOf(t);
  fs.rmSync(blob(image.layers[1]!.digest));
  const target = await tempRoot(t);
  const error = await t.throwsAsync(importArchive(dir, { content: target.content }));
  t.is((error as { code?: string }).code, 'DataLoss');
  t.regex(error!.message, new RegExp(`lacks layer ${image.layers[1]!.digest} \\(referenced by manifest ${image.manifest.digest}\\)`));
});

test('an unknown media type in index.json is reported by name', async (t) => {
  const { dir } = await layoutOf(t);
  const indexFile = path.join(dir, 'index.json');
  const index = JSON.parse(fs.readFileSync(indexFile, 'utf8'));
  index.manifests[0].mediaType = 'application/vnd.example.mystery+json';
  fs.writeFileSync(indexFile, JSON.stringify(index));
  const file = path.join(tempDir(t), 'mystery.tar');
  await tarDir(dir, file);
  for (const input of [dir, file]) {
    const target = await tempRoot(t);
    const error = await t.throwsAsync(loadArchive(target, input));
    t.is((error as { code?: string }).code, 'Unsupported', input);
    t.regex(error!.message, /media type "application\/vnd\.example\.mystery\+json", which is neither an image manifest nor an index/);
    t.deepEqual(target.images.list(), []);
  }
});

test('a tar that is neither layout nor docker archive says what it found', async (t) => {
  const file = path.join(tempDir(t), 'random.tar');
  const body = Buffer.from('hi\n');
  fs.writeFileSync(file, await collect(encodeTar([{ header: { name: 'notes.txt', type: 'file', mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: 0 }, body }])));
  const target = await tempRoot(t);
  const error = await t.throwsAsync(importArchive(file, { content: target.content }));
  t.is((error as { code?: string }).code, 'InvalidArgument');
  t.regex(error!.message, /no index\.json or manifest\.json \(members: "notes\.txt"\)/);
});

test('a layout with an unsupported oci-layout version is refused', async (t) => {
  const { dir } = await layoutOf(t);
  fs.writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}');
  const target = await tempRoot(t);
  const error = await t.throwsAsync(importArchive(dir, { content: target.content }));
  t.is((error as { code?: string }).code, 'Unsupported');
  t.regex(error!.message, /imageLayoutVersion "2\.0\.0"/);
});

test('a missing input is NotFound', async (t) => {
  const target = await tempRoot(t);
  const error = await t.throwsAsync(importArchive(path.join(tempDir(t), 'absent.tar'), { content: target.content }));
  t.is((error as { code?: string }).code, 'NotFound');
});
