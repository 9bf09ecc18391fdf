import { InvalidArgumentError, ResourceExhaustedError, UnsupportedError } from '@kiln/errors';
import { ByteReader } from './byte-reader.js';
import { decodeHeaderBlock, entryTypeOf, isZeroBlock, type RawHeader } from './decode-header.js';
import { decodePaxRecords } from './pax.js';
import { BLOCK_SIZE, paddingFor, type TarHeader } from './tar-header.js';

/** One entry of a parsed tar stream. */
export interface TarEntry {
  readonly header: TarHeader;
  /**
   * The entry's body (`header.size` bytes). Read it before asking the parser
   * for the next entry, or leave it: the parser skips what was not read. It
   * cannot be read after the parser moved on.
   */
  readonly body: AsyncIterable<Buffer>;
}

/** Limits that keep a hostile archive from making the parser hold unbounded memory. */
export interface ParseTarOptions {
  /** Largest PAX or GNU long-name body accepted, in bytes (default 1 MiB). */
  readonly maxMetadataSize?: number;
}

/**
 * Parses a tar stream (ustar, POSIX PAX, GNU long names and links, v7) into
 * entries, folding PAX records (`path`, `linkpath`, `size`, `uid`, `gid`,
 * `mtime`, `uname`, `gname`, `SCHILY.xattr.*` with byte-exact values) and GNU
 * `L`/`K` headers into the following entry's header. Global PAX headers apply
 * to every later entry. After the end-of-archive blocks it reads the source to
 * its end, so a digest computed upstream covers every byte.
 *
 * Streaming: memory is bounded by the source's chunk size and
 * `maxMetadataSize`, never the archive.
 *
 * @throws InvalidArgumentError on a bad checksum or malformed extension header;
 *   DataLossError when the stream ends inside an entry;
 *   ResourceExhaustedError when an extension header is larger than allowed;
 *   UnsupportedError for GNU sparse entries (PAX `GNU.sparse.*`).
 */
export async function* parseTar(source: AsyncIterable<Uint8Array>, options: ParseTarOptions = {}): AsyncGenerator<TarEntry> {
  const maxMetadata = options.maxMetadataSize ?? 1024 * 1024;
  const reader = new ByteReader(source);
  let offset = 0;
  const global = new Map<string, Buffer>();
  let local = new Map<string, Buffer>();
  let longName: string | undefined;
  let longLink: string | undefined;

  const readMetadata = async (raw: RawHeader): Promise<Buffer> => {
    if (raw.size > maxMetadata) {
      throw new ResourceExhaustedError(`tar extension header at byte ${offset} is ${raw.size} bytes; the limit is ${maxMetadata}`);
    }
    const body = (await reader.readExact(raw.size + paddingFor(raw.size))) ?? Buffer.alloc(0);
    if (body.length < raw.size) throw new InvalidArgumentError(`tar stream ends inside an extension header at byte ${offset}`);
    offset += body.length;
    return Buffer.from(body.subarray(0, raw.size));
  };

  for (;;) {
    const block = await reader.readExact(BLOCK_SIZE);
    if (block === undefined) break; // Tolerate archives without end blocks, as GNU tar does.
    const at = offset;
    offset += BLOCK_SIZE;
    if (isZeroBlock(block)) break;
    const raw = decodeHeaderBlock(block, at);
    switch (raw.typeflag) {
      case 'x':
        for (const [k, v] of decodePaxRecords(await readMetadata(raw))) local.set(k, v);
        continue;
      case 'g':
        for (const [k, v] of decodePaxRecords(await readMetadata(raw))) global.set(k, v);
        continue;
      case 'L':
        longName = cString(await readMetadata(raw));
        continue;
      case 'K':
        longLink = cString(await readMetadata(raw));
        continue;
    }
    const header = buildHeader(raw, new Map([...global, ...local]), longName, longLink, at);
    local = new Map();
    longName = undefined;
    longLink = undefined;

    let left = header.type === 'file' || header.type === 'other' ? header.size : 0;
    const padding = paddingFor(left);
    let active = true;
    const body = (async function* () {
      if (!active) throw new InvalidArgumentError(`body of tar entry ${JSON.stringify(header.name)} read after the parser moved on`);
      for await (const chunk of reader.chunks(left)) {
        left -= chunk.length;
        offset += chunk.length;
        yield chunk;
      }
    })();
    yield { header, body };
    active = false;
    offset += left + padding;
    await reader.skip(left + padding);
  }
  await reader.drain();
}

function buildHeader(raw: RawHeader, pax: Map<string, Buffer>, longName: string | undefined, longLink: string | undefined, at: number): TarHeader {
  const text = (key: string): string | undefined => pax.get(key)?.toString('utf8');
  const integer = (key: string, fallback: number): number => {
    const value = text(key);
    if (value === undefined) return fallback;
    if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(Number(value))) {
      throw new InvalidArgumentError(`tar entry at byte ${at}: PAX ${key} must be a non-negative integer, got ${JSON.stringify(value)}`);
    }
    return Number(value);
  };
  if (pax.has('GNU.sparse.major') || pax.has('GNU.sparse.size') || pax.has('GNU.sparse.map')) {
    // The body would hold a sparse map, not the file: refuse rather than write wrong bytes.
    throw new UnsupportedError(`tar entry at byte ${at}: GNU sparse files are not supported in layers (the OCI spec says not to use them)`);
  }
  let name = text('path') ?? longName ?? raw.name;
  let type = entryTypeOf(raw.typeflag);
  // Old tars mark directories only by a trailing slash on a regular-file entry.
  if (type === 'file' && raw.typeflag !== '0' && name.endsWith('/')) type = 'directory';
  if (type === 'directory') name = name.replace(/\/+$/, '');

  let mtime = raw.mtime;
  const paxMtime = text('mtime');
  if (paxMtime !== undefined) {
    if (!/^-?[0-9]+(\.[0-9]+)?$/.test(paxMtime)) {
      throw new InvalidArgumentError(`tar entry ${JSON.stringify(name)}: PAX mtime must be decimal seconds, got ${JSON.stringify(paxMtime)}`);
    }
    mtime = Number(paxMtime);
  }
  const xattrs = new Map<string, Buffer>();
  const rest = new Map<string, Buffer>();
  for (const [key, value] of pax) {
    if (key.startsWith('SCHILY.xattr.')) xattrs.set(key.slice('SCHILY.xattr.'.length), value);
    else if (key.startsWith('LIBARCHIVE.xattr.')) {
      // libarchive URL-encodes the name and base64-encodes the value.
      xattrs.set(decodeURIComponent(key.slice('LIBARCHIVE.xattr.'.length)), Buffer.from(value.toString('ascii'), 'base64'));
    } else if (!knownKeys.has(key)) rest.set(key, value);
  }
  const linkname = text('linkpath') ?? longLink ?? raw.linkname;
  return {
    name,
    type,
    mode: raw.mode,
    uid: integer('uid', raw.uid),
    gid: integer('gid', raw.gid),
    size: integer('size', raw.size),
    mtime,
    ...(linkname !== '' ? { linkname } : {}),
    uname: text('uname') ?? raw.uname,
    gname: text('gname') ?? raw.gname,
    devmajor: raw.devmajor,
    devminor: raw.devminor,
    ...(xattrs.size > 0 ? { xattrs } : {}),
    ...(rest.size > 0 ? { pax: rest } : {}),
    typeflag: raw.typeflag,
  };
}

const knownKeys = new Set(['path', 'linkpath', 'size', 'uid', 'gid', 'mtime', 'uname', 'gname']);

function cString(body: Buffer): string {
  const end = body.indexOf(0);
  return body.toString('utf8', 0, end < 0 ? body.length : end);
}
