import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AlreadyExistsError } from '@kiln/errors';
import type { LocalContentStore } from '@kiln/content';
import { encodeTar, type TarInput } from '@kiln/layer';
import { digestAlgorithm } from '@kiln/oci';
import { ociLayoutFile } from './annotations.js';
import { bytesMember, directoryHeader, fileHeader } from './archive-members.js';
import { blobPath } from './blob-path.js';
import { verified } from './byte-streams.js';
import { imageBlobsInContent } from './content-source.js';
import type { GraphBlob } from './image-graph.js';
import { layoutIndexJson, type ArchiveImage } from './layout-index.js';

interface LayoutPlan {
  readonly indexJson: string;
  readonly blobs: readonly GraphBlob[];
}

async function planLayout(content: LocalContentStore, images: readonly ArchiveImage[]): Promise<LayoutPlan> {
  const indexJson = layoutIndexJson(images);
  const blobs = await imageBlobsInContent(content, images.map((i) => i.target));
  return { indexJson, blobs };
}

async function* blobBody(content: LocalContentStore, blob: GraphBlob): AsyncGenerator<Buffer> {
  const { digest, size } = blob.descriptor;
  yield* verified(await content.readStream(digest), { digest, size }, `stored ${blob.role} ${digest}`);
}

/**
 * The OCI image layout of `images` as a tar stream (what `skopeo … oci-archive:`
 * and `docker load` of BuildKit's `type=oci` output read): `oci-layout`,
 * `index.json` (see {@link layoutIndexJson}), then every blob the images
 * reference under `blobs/<alg>/<hex>`, each streamed from content and verified
 * against its digest as it goes. Nothing is written before the whole image
 * graph has been checked, so a missing blob fails before the first byte.
 *
 * @throws NotFoundError / DataLossError / UnsupportedError as {@link imageBlobsInContent};
 *   DataLossError while streaming when a stored blob no longer matches its digest.
 */
export async function* ociLayoutTar(content: LocalContentStore, images: readonly ArchiveImage[]): AsyncGenerator<Buffer> {
  const plan = await planLayout(content, images);
  async function* members(): AsyncGenerator<TarInput> {
    yield bytesMember('oci-layout', JSON.stringify(ociLayoutFile));
    yield bytesMember('index.json', plan.indexJson);
    yield { header: directoryHeader('blobs') };
    const algorithms = new Set<string>();
    for (const blob of plan.blobs) {
      const algorithm = digestAlgorithm(blob.descriptor.digest);
      if (!algorithms.has(algorithm)) {
        algorithms.add(algorithm);
        yield { header: directoryHeader(`blobs/${algorithm}`) };
      }
      yield { header: fileHeader(blobPath(blob.descriptor.digest), blob.descriptor.size), body: blobBody(content, blob) };
    }
  }
  yield* encodeTar(members());
}

/**
 * Writes the OCI image layout of `images` into the directory `dir` (created
 * when absent; it must otherwise be empty): blobs first, each through a
 * temporary name, then `oci-layout` and `index.json` last, so a reader never
 * sees an index naming a blob that is not there yet. On failure the directory
 * is emptied again.
 *
 * @throws AlreadyExistsError when `dir` exists and is not empty; otherwise as {@link ociLayoutTar}.
 */
export async function writeOciLayoutDir(content: LocalContentStore, images: readonly ArchiveImage[], dir: string): Promise<void> {
  const plan = await planLayout(content, images);
  await fs.promises.mkdir(dir, { recursive: true });
  const existing = await fs.promises.readdir(dir);
  if (existing.length > 0) {
    throw new AlreadyExistsError(`cannot write an OCI layout into ${JSON.stringify(dir)}: the directory is not empty (it holds ${existing.slice(0, 3).map((n) => JSON.stringify(n)).join(', ')}${existing.length > 3 ? ', …' : ''})`);
  }
  try {
    for (const blob of plan.blobs) {
      await writeFileAtomic(path.join(dir, blobPath(blob.descriptor.digest)), blobBody(content, blob));
    }
    await writeFileAtomic(path.join(dir, 'oci-layout'), [Buffer.from(JSON.stringify(ociLayoutFile))]);
    await writeFileAtomic(path.join(dir, 'index.json'), [Buffer.from(plan.indexJson)]);
  } catch (error) {
    // The directory was empty, so everything in it is ours: leave it empty rather than half a layout.
    for (const name of await fs.promises.readdir(dir)) await fs.promises.rm(path.join(dir, name), { recursive: true, force: true });
    throw error;
  }
}

/**
 * Streams `bytes` into `file` through a temporary sibling that is renamed into
 * place only when every byte was written; on failure the temporary file is
 * removed and `file` is untouched. Parent directories are created.
 */
export async function writeFileAtomic(file: string, bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    await pipeline(bytes, fs.createWriteStream(temp, { flags: 'wx', mode: 0o644 }));
    await fs.promises.rename(temp, file);
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
}
