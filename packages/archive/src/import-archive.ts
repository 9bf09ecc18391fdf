import fs from 'node:fs';
import { InvalidArgumentError, NotFoundError, UnsupportedError } from '@kiln/errors';
import type { Descriptor } from '@kiln/oci';
import { parseDockerManifest } from './docker-manifest.js';
import { checkLayoutVersion, importImageGraph, importOciLayoutDir, listOciLayoutDir, type ImportOptions } from './read-oci-layout.js';
import { importDockerArchive } from './read-docker-archive.js';
import { normalizeImageName, readLayoutIndex, type ArchiveEntry } from './layout-index.js';
import { scanArchive, type ScannedArchive } from './scan-archive.js';

/** The archive formats kiln reads. `docker-tar` may be gzip- or zstd-compressed, as `docker load` accepts. */
export type ArchiveFormat = 'oci-dir' | 'oci-tar' | 'docker-tar';

/** What an import stored: the images, named as the archive names them, for the caller to register. */
export interface ImportResult {
  readonly format: ArchiveFormat;
  readonly images: readonly ArchiveEntry[];
}

/**
 * Which format a scanned tar is: `index.json` makes it an OCI layout (also
 * when docker 25 put a `manifest.json` beside it: the index says more);
 * otherwise `manifest.json` makes it a docker archive.
 *
 * @throws UnsupportedError for a pre-1.10 docker archive (only `repositories`);
 *   InvalidArgumentError when neither file is there.
 */
export function formatOfScan(archive: ScannedArchive, where: string): 'oci-tar' | 'docker-tar' {
  if (archive.metadata.has('index.json')) return 'oci-tar';
  if (archive.metadata.has('manifest.json')) return 'docker-tar';
  if (archive.metadata.has('repositories')) {
    throw new UnsupportedError(`${where} is a docker archive from before docker 1.10 (it has "repositories" but no manifest.json); re-save it with a newer docker`);
  }
  const seen = [...archive.metadata.keys(), ...archive.blobs.keys()].slice(0, 5).map((n) => JSON.stringify(n));
  throw new InvalidArgumentError(`${where} is neither an OCI image layout nor a docker archive: it has no index.json or manifest.json (members: ${seen.join(', ') || 'none'})`);
}

/**
 * Imports an image archive from a tar stream (a file or a pipe such as
 * stdin), in one pass: OCI layout tar or docker archive, detected by content,
 * optionally gzip/zstd compressed. Every blob is verified as it is stored; a
 * blob whose bytes do not match its digest fails the import with
 * DataLossError and is not stored. Blobs stored before a failure stay
 * complete and verified, held only by the caller's lease (see
 * `ImportOptions.onBlob`), so garbage collection removes them.
 *
 * @param where names the input in errors (a path, `stdin`).
 * @throws DataLossError, UnsupportedError (naming an unknown media type),
 *   InvalidArgumentError for malformed metadata.
 */
export async function importArchiveStream(source: AsyncIterable<Uint8Array>, where: string, options: ImportOptions): Promise<ImportResult> {
  const archive = await scanArchive(source, { content: options.content, ...(options.onBlob ? { onBlob: options.onBlob } : {}) });
  const format = formatOfScan(archive, where);
  if (format === 'docker-tar') return { format, images: await importDockerArchive(archive, options) };
  checkLayoutVersion(archive.metadata.get('oci-layout')?.toString('utf8'), where);
  const { index, entries } = readLayoutIndex(archive.metadata.get('index.json')!.toString('utf8'), options);
  await importImageGraph(options, index.manifests, where);
  return { format, images: entries };
}

/**
 * Imports the archive at `input`: an OCI layout directory, or a file holding
 * an OCI layout tar or a docker archive (compressed or not). See
 * {@link importArchiveStream} and `importOciLayoutDir`.
 *
 * @throws NotFoundError when `input` does not exist; as the format's importer otherwise.
 */
export async function importArchive(input: string, options: ImportOptions): Promise<ImportResult> {
  const stat = await statInput(input);
  if (stat.isDirectory()) return { format: 'oci-dir', images: await importOciLayoutDir(input, options) };
  return importArchiveStream(fs.createReadStream(input, { highWaterMark: 1 << 20 }), input, options);
}

/** An image an archive names, as listed without importing. */
export interface ListedImage {
  /** The manifest or index; absent for docker archives, whose manifests kiln only makes on import. */
  readonly target?: Descriptor;
  /** Normalised names (see `ArchiveEntry.names`). */
  readonly names: readonly string[];
  /** Raw `org.opencontainers.image.ref.name` values (OCI layouts only). */
  readonly refNames: readonly string[];
}

/**
 * The images an archive holds and their names, without importing anything
 * (a tar is read once, its blob bodies skipped).
 *
 * @throws NotFoundError when `input` does not exist or a directory has no
 *   index.json; InvalidArgumentError / UnsupportedError for malformed input.
 */
export async function listArchive(input: string, options: { readonly defaultRepository?: string } = {}): Promise<{ format: ArchiveFormat; images: ListedImage[] }> {
  const stat = await statInput(input);
  if (stat.isDirectory()) return { format: 'oci-dir', images: await listOciLayoutDir(input, options) };
  const archive = await scanArchive(fs.createReadStream(input, { highWaterMark: 1 << 20 }));
  const format = formatOfScan(archive, input);
  if (format === 'oci-tar') return { format, images: readLayoutIndex(archive.metadata.get('index.json')!.toString('utf8'), options).entries };
  const items = parseDockerManifest(archive.metadata.get('manifest.json')!.toString('utf8'));
  return { format, images: items.map((item) => ({ names: [...new Set((item.RepoTags ?? []).map(normalizeImageName))], refNames: [] })) };
}

async function statInput(input: string): Promise<fs.Stats> {
  try {
    return await fs.promises.stat(input);
  } catch (cause) {
    throw new NotFoundError(`archive ${JSON.stringify(input)} does not exist`, { cause });
  }
}
