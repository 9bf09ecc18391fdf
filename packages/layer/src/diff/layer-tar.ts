import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Digest } from '@kiln/oci';
import { HashTap } from '../hashing.js';
import fs from 'node:fs';
import { splitDevice } from '@kiln/sys';
import type { TarHeader } from '../tar/tar-header.js';
import { encodeTar, type TarInput } from '../tar/tar-encoder.js';
import { readLayerXattrs } from '../xattrs.js';
import type { LayerChange } from './layer-change.js';
import { readFileBody } from './read-file-body.js';

/** Options of {@link layerTar}. */
export interface LayerTarOptions {
  /**
   * SOURCE_DATE_EPOCH in seconds: mtimes later than it are clamped to it
   * (BuildKit's `rewrite-timestamp`), and whiteouts carry it. Unset: mtimes
   * are kept (whole seconds) and whiteouts carry 0.
   */
  readonly sourceDateEpoch?: number;
}

/**
 * Encodes changes into an uncompressed layer tar, as a lazy stream of chunks
 * that reads each file only when the consumer pulls. Entry names are relative
 * without `./`, directories end in `/`, whiteouts are `.wh.<name>` and opaque
 * markers `.wh..wh..opq` (empty files, mode 0, root-owned). Regular files with
 * several links become one file plus hardlink entries within the layer.
 * Sockets are skipped: tar cannot carry them. Owner names are left empty so
 * the output depends on the files alone; mtimes are whole seconds.
 *
 * @throws DataLossError when a file changes size while it is read.
 */
export async function* layerTar(changes: AsyncIterable<LayerChange>, options: LayerTarOptions = {}): AsyncGenerator<Buffer> {
  yield* encodeTar(tarInputs(changes, options));
}

async function* tarInputs(changes: AsyncIterable<LayerChange>, options: LayerTarOptions): AsyncGenerator<TarInput> {
  const epoch = options.sourceDateEpoch;
  // dev:ino of each multiply-linked file already written → its layer path.
  const links = new Map<string, string>();
  for await (const change of changes) {
    if (change.kind !== 'upsert') {
      const slash = change.path.lastIndexOf('/');
      const name =
        change.kind === 'opaque' ? `${change.path}/.wh..wh..opq` : `${change.path.slice(0, slash + 1)}.wh.${change.path.slice(slash + 1)}`;
      yield { header: { name, type: 'file', mode: 0, uid: 0, gid: 0, size: 0, mtime: epoch ?? 0 } };
      continue;
    }
    const { stats, source, path } = change;
    const seconds = Number(stats.mtimeNs / 1_000_000_000n);
    const base = {
      name: path,
      mode: Number(stats.mode & 0o7777n),
      uid: Number(stats.uid),
      gid: Number(stats.gid),
      size: 0,
      mtime: epoch !== undefined && seconds > epoch ? epoch : seconds,
      xattrs: readLayerXattrs(source),
    };
    let header: TarHeader;
    if (stats.isFile()) {
      const key = `${stats.dev}:${stats.ino}`;
      const first = stats.nlink > 1n ? links.get(key) : undefined;
      if (first !== undefined) {
        yield { header: { ...base, type: 'hardlink', linkname: first } };
        continue;
      }
      if (stats.nlink > 1n) links.set(key, path);
      header = { ...base, type: 'file', size: Number(stats.size) };
      yield { header, body: readFileBody(source, header.size) };
      continue;
    }
    if (stats.isDirectory()) header = { ...base, type: 'directory' };
    else if (stats.isSymbolicLink()) header = { ...base, type: 'symlink', linkname: fs.readlinkSync(source) };
    else if (stats.isFIFO()) header = { ...base, type: 'fifo' };
    else if (stats.isCharacterDevice() || stats.isBlockDevice()) {
      const { major, minor } = splitDevice(stats.rdev);
      header = { ...base, type: stats.isCharacterDevice() ? 'char' : 'block', devmajor: major, devminor: minor };
    } else continue; // a socket
    yield { header };
  }
}

/**
 * Writes the layer tar of `changes` into `sink` (a Node writable, ended when
 * done) and returns its diff_id (sha256 of the tar) and size in bytes.
 * Backpressure from `sink` paces the file reads.
 */
export async function writeLayerTar(changes: AsyncIterable<LayerChange>, sink: Writable, options: LayerTarOptions = {}): Promise<{ diffId: Digest; size: number }> {
  const tap = new HashTap();
  await pipeline(Readable.from(tap.tap(layerTar(changes, options)), { objectMode: false }), sink);
  return { diffId: tap.digest(), size: tap.size };
}
