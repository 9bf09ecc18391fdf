import { DataLossError, InvalidArgumentError } from '@kiln/errors';
import type { Descriptor, Digest } from '@kiln/oci';
import type { Mount } from '@kiln/sys';
import { decompress } from '../compression.js';
import type { LayerContentStore } from '../content-port.js';
import { HashTap } from '../hashing.js';
import { bindDir, overlayDirs, withMountedDir } from '../mounts.js';
import { parseTar } from '../tar/parse-tar.js';
import { applyEntries } from './apply-entries.js';

/** Options of {@link apply}. */
export interface LayerApplyOptions {
  /** Where to read a descriptor's blob; required when `layer` is a descriptor. */
  readonly content?: LayerContentStore;
  /** The layer's diff_id when known (from the image config): checked after the last byte. */
  readonly diffId?: Digest;
  /** Set owners from the layer (default true). */
  readonly sameOwner?: boolean;
}

/** What {@link apply} read. */
export interface LayerApplyResult {
  /** sha256 of the uncompressed tar. */
  readonly diffId: Digest;
  /** Uncompressed tar length in bytes. */
  readonly size: number;
  /** Blob length in bytes as read (equal to `size` for a plain tar). */
  readonly compressedSize: number;
}

/**
 * Applies a layer (a descriptor read from `options.content`, or a byte
 * stream) onto `target`: a directory holding the tree below (whiteouts
 * delete), a single bind mount (the same, in place), a single overlay mount
 * with an `upperdir` (entries go into the upper directory, whiteouts become
 * overlay whiteouts), or anything else, which is mounted and written through.
 * Compression (gzip, zstd, none) is detected from the bytes. A descriptor's
 * digest and size, and `options.diffId`, are verified once the stream ended;
 * a mismatch throws after the files were written, so the caller must discard
 * the target (as it must on any failure).
 *
 * @throws DataLossError on digest, size or diff_id mismatch or a truncated
 *   layer; InvalidArgumentError for unsafe entries (see `applyEntries`) or a
 *   read-only overlay target; NotFoundError when the blob is not in content.
 */
export async function apply(layer: Descriptor | AsyncIterable<Uint8Array>, target: readonly Mount[] | string, options: LayerApplyOptions = {}): Promise<LayerApplyResult> {
  const descriptor = Symbol.asyncIterator in layer ? undefined : layer;
  let source: AsyncIterable<Uint8Array>;
  if (descriptor === undefined) source = layer as AsyncIterable<Uint8Array>;
  else {
    if (options.content === undefined) throw new InvalidArgumentError(`apply of layer ${descriptor.digest}: a descriptor needs options.content to read from`);
    source = await options.content.readStream(descriptor.digest);
  }
  const blobTap = new HashTap();
  const tarTap = new HashTap();
  const entries = parseTar(tarTap.tap(decompress(blobTap.tap(source))));
  const sameOwner = options.sameOwner ?? true;

  if (typeof target === 'string') await applyEntries(entries, target, { whiteouts: 'delete', sameOwner });
  else {
    const bind = bindDir(target);
    const overlay = overlayDirs(target);
    if (bind !== undefined) await applyEntries(entries, bind, { whiteouts: 'delete', sameOwner });
    else if (overlay !== undefined) {
      if (overlay.upperdir === undefined) throw new InvalidArgumentError('cannot apply a layer to a read-only overlay mount (no upperdir)');
      await applyEntries(entries, overlay.upperdir, { whiteouts: 'overlay', lowerdirs: overlay.lowerdirs, sameOwner });
    } else await withMountedDir(target, false, (dir) => applyEntries(entries, dir, { whiteouts: 'delete', sameOwner }));
  }

  const diffId = tarTap.digest();
  if (descriptor !== undefined) {
    const digest = blobTap.digest();
    if (digest !== descriptor.digest || blobTap.size !== descriptor.size) {
      throw new DataLossError(`layer blob ${descriptor.digest} (${descriptor.size} bytes) read back as ${digest} (${blobTap.size} bytes)`);
    }
  }
  if (options.diffId !== undefined && options.diffId !== diffId) {
    throw new DataLossError(`layer diff_id mismatch: expected ${options.diffId}, the uncompressed tar hashes to ${diffId}`);
  }
  return { diffId, size: tarTap.size, compressedSize: blobTap.size };
}
