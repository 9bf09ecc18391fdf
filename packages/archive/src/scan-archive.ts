import { InvalidArgumentError, ResourceExhaustedError } from '@kiln/errors';
import type { LocalContentStore } from '@kiln/content';
import { decompress, parseTar } from '@kiln/layer';
import type { Digest } from '@kiln/oci';
import { digestOfBlobPath, normalizeMemberName } from './blob-path.js';

/** The metadata members kept in memory; every other regular file is a blob. */
const metadataNames: ReadonlySet<string> = new Set(['oci-layout', 'index.json', 'manifest.json', 'repositories']);
/** Legacy `docker save` per-layer metadata (`<v1 id>/json`, `<v1 id>/VERSION`): not needed to load, so not stored. */
const legacyLayerMetadata = /^[0-9a-f]{64}\/(json|VERSION)$/;
/** Largest metadata member accepted, in bytes (a manifest.json of many images stays far below). */
const metadataLimit = 16 << 20;

/** A blob member of an archive, as stored in content. */
export interface ScannedBlob {
  readonly digest: Digest;
  /** Size in bytes. */
  readonly size: number;
}

/** What one pass over an archive tar found. */
export interface ScannedArchive {
  /** Metadata members by normalised name (`index.json`, `manifest.json`, `oci-layout`, `repositories`). */
  readonly metadata: ReadonlyMap<string, Buffer>;
  /** Every other regular file, by normalised name, with the digest it was stored under. */
  readonly blobs: ReadonlyMap<string, ScannedBlob>;
  /** Symlinks and hardlinks: normalised name → normalised target member name. */
  readonly links: ReadonlyMap<string, string>;
}

/** Options of {@link scanArchive}. */
export interface ScanArchiveOptions {
  /** Where blob members go; without it their bodies are skipped (listing only). */
  readonly content?: LocalContentStore;
  /** Called with each blob's digest before it is written (or right after, when only the bytes tell it), so a lease can hold it. */
  readonly onBlob?: (digest: Digest) => void;
}

/**
 * Reads an archive tar once, front to back (so it also works on a pipe):
 * gzip or zstd around the tar is undone (by magic bytes, as `docker load` does); metadata members are kept in memory;
 * every other regular file is streamed into content. A member named
 * `blobs/<alg>/<hex>` is verified against that digest as it is stored — a
 * mismatch fails the scan with DataLossError and stores nothing for it;
 * other members (docker's `<id>/layer.tar`, `<hex>.json`) are stored under
 * the sha256 of their bytes.
 *
 * @throws DataLossError for a blob whose bytes do not match its name, or a
 *   truncated tar; InvalidArgumentError for a malformed tar; ResourceExhaustedError
 *   for oversized metadata.
 */
export async function scanArchive(source: AsyncIterable<Uint8Array>, options: ScanArchiveOptions = {}): Promise<ScannedArchive> {
  const metadata = new Map<string, Buffer>();
  const blobs = new Map<string, ScannedBlob>();
  const links = new Map<string, string>();
  for await (const { header, body } of parseTar(decompress(source))) {
    const name = normalizeMemberName(header.name);
    if (name === undefined) throw new InvalidArgumentError(`archive member ${JSON.stringify(header.name)} points outside the archive`);
    if (header.type === 'symlink' || header.type === 'hardlink') {
      const target = header.type === 'symlink' && !header.linkname!.startsWith('/') ? `${name}/../${header.linkname}` : header.linkname ?? '';
      const resolved = normalizeMemberName(target);
      if (resolved !== undefined) links.set(name, resolved);
      continue;
    }
    if (header.type !== 'file') continue;
    if (metadataNames.has(name)) {
      if (header.size > metadataLimit) throw new ResourceExhaustedError(`archive member ${name} is ${header.size} bytes; at most ${metadataLimit} are accepted`);
      const parts: Buffer[] = [];
      for await (const chunk of body) parts.push(chunk);
      metadata.set(name, Buffer.concat(parts));
      continue;
    }
    if (legacyLayerMetadata.test(name) || options.content === undefined) continue;
    const named = digestOfBlobPath(name);
    if (named !== undefined) options.onBlob?.(named);
    const stored = await options.content.ingest(body, { size: header.size, ...(named !== undefined ? { digest: named } : {}) }, name);
    if (named === undefined) options.onBlob?.(stored.digest);
    blobs.set(name, { digest: stored.digest, size: stored.size });
  }
  return { metadata, blobs, links };
}

/** The blob a member name stands for, following links (at most 16, so a loop fails). */
export function resolveMember(archive: ScannedArchive, name: string): ScannedBlob | undefined {
  let current = normalizeMemberName(name);
  for (let hops = 0; current !== undefined && hops <= 16; hops++) {
    const blob = archive.blobs.get(current);
    if (blob !== undefined) return blob;
    current = archive.links.get(current);
  }
  return undefined;
}
