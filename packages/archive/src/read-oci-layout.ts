import fs from 'node:fs';
import path from 'node:path';
import { DataLossError, InvalidArgumentError, NotFoundError, UnsupportedError } from '@kiln/errors';
import type { LocalContentStore } from '@kiln/content';
import type { Descriptor, Digest } from '@kiln/oci';
import { blobPath } from './blob-path.js';
import { mayBeAbsent, walkImageGraph, type GraphBlob } from './image-graph.js';
import { readLayoutIndex, type ArchiveEntry } from './layout-index.js';

/** Options shared by the importers. */
export interface ImportOptions {
  /** The store blobs go to. */
  readonly content: LocalContentStore;
  /**
   * Called with each digest before the importer writes or relies on it, so the
   * caller can add it to a lease and a concurrent GC cannot remove it before
   * the images are named.
   */
  readonly onBlob?: (digest: Digest) => void;
  /** Repository for images whose layout names them by tag only (`ref.name` = `latest`). */
  readonly defaultRepository?: string;
}

/**
 * Checks the `oci-layout` file's `imageLayoutVersion` (1.x). An absent file is
 * tolerated, as containerd does, since `index.json` says the rest.
 *
 * @throws UnsupportedError for another major version; InvalidArgumentError for malformed JSON.
 */
export function checkLayoutVersion(text: string | undefined, where: string): void {
  if (text === undefined) return;
  let version: unknown;
  try {
    version = (JSON.parse(text) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
  } catch (cause) {
    throw new InvalidArgumentError(`${where}/oci-layout is not JSON: ${JSON.stringify(text.slice(0, 80))}`, { cause });
  }
  if (typeof version !== 'string' || !/^1\.\d+\.\d+$/.test(version)) {
    throw new UnsupportedError(`${where}/oci-layout: unsupported imageLayoutVersion ${JSON.stringify(version)} (expected 1.x.y)`);
  }
}

/**
 * Walks the images of a layout's index and checks that content now holds
 * every blob they need with the right size and digest (manifests and indexes
 * are re-read and verified). `fetch`, when given, is asked first to bring each
 * blob into content (the directory reader copies it from the layout).
 *
 * @throws DataLossError naming the blob and who references it when it is
 *   missing or of the wrong size; UnsupportedError naming an unknown media type.
 */
export async function importImageGraph(
  options: ImportOptions,
  roots: readonly Descriptor[],
  where: string,
  fetch?: (blob: GraphBlob) => Promise<boolean>,
): Promise<GraphBlob[]> {
  const { content } = options;
  const ensure = async (blob: GraphBlob): Promise<void> => {
    const { digest, size } = blob.descriptor;
    options.onBlob?.(digest);
    if (fetch !== undefined && !(await fetch(blob)) && !(await content.has(digest))) {
      if (blob.role === 'layer' && mayBeAbsent(blob.descriptor)) return;
      throw new DataLossError(`${where} lacks ${blob.role} ${digest} (referenced by ${blob.referencedBy})`);
    }
    const info = await content.info(digest).catch(() => undefined);
    if (info === undefined) {
      if (blob.role === 'layer' && mayBeAbsent(blob.descriptor)) return;
      throw new DataLossError(`${where} lacks ${blob.role} ${digest} (referenced by ${blob.referencedBy})`);
    }
    if (info.size !== size) {
      throw new DataLossError(`${where}: ${blob.role} ${digest} (referenced by ${blob.referencedBy}) is ${info.size} bytes, but its descriptor says ${size}`);
    }
  };
  return walkImageGraph(roots, `${where}/index.json`, {
    document: async (blob) => {
      await ensure(blob);
      return content.readBytes(blob.descriptor.digest, { maxSize: Math.max(blob.descriptor.size, 1) });
    },
    blob: ensure,
  });
}

/**
 * Lists the images of the OCI layout directory `dir` without importing.
 *
 * @throws NotFoundError when `dir/index.json` is absent; InvalidArgumentError when malformed.
 */
export async function listOciLayoutDir(dir: string, options: { readonly defaultRepository?: string } = {}): Promise<ArchiveEntry[]> {
  const { indexText, layoutText } = await readLayoutMetadata(dir);
  checkLayoutVersion(layoutText, dir);
  return readLayoutIndex(indexText, options).entries;
}

/**
 * Imports the OCI layout directory `dir`: every blob its index reaches
 * (indexes recursively, manifests, configs, layers) is streamed into content
 * with its digest and size verified. A blob whose bytes do not match fails
 * the import with DataLossError and is not stored; blobs already in content
 * are not read again.
 *
 * @returns the layout's images (targets and names) for the caller to register.
 * @throws NotFoundError without `index.json`; DataLossError for a missing or
 *   corrupt blob; UnsupportedError naming an unknown media type.
 */
export async function importOciLayoutDir(dir: string, options: ImportOptions): Promise<ArchiveEntry[]> {
  const { indexText, layoutText } = await readLayoutMetadata(dir);
  checkLayoutVersion(layoutText, dir);
  const { index, entries } = readLayoutIndex(indexText, options);
  await importImageGraph(options, index.manifests, dir, async (blob) => {
    const { digest, size } = blob.descriptor;
    if (await options.content.has(digest)) return true;
    let stream: fs.ReadStream;
    try {
      const handle = await fs.promises.open(path.join(dir, blobPath(digest)), 'r');
      stream = handle.createReadStream({ highWaterMark: 1 << 20 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    try {
      await options.content.ingest(stream, { digest, size }, `${blobPath(digest)} of ${path.basename(dir)}`);
    } finally {
      stream.destroy();
    }
    return true;
  });
  return entries;
}

async function readLayoutMetadata(dir: string): Promise<{ indexText: string; layoutText: string | undefined }> {
  const read = async (name: string): Promise<string | undefined> => {
    try {
      return await fs.promises.readFile(path.join(dir, name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
  const indexText = await read('index.json');
  if (indexText === undefined) throw new NotFoundError(`${JSON.stringify(dir)} is not an OCI image layout: it has no index.json`);
  return { indexText, layoutText: await read('oci-layout') };
}
