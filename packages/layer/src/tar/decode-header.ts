import { InvalidArgumentError } from '@kiln/errors';
import { readNumeric } from './numeric.js';
import type { TarEntryType } from './tar-header.js';

/** The fields of one raw 512-byte header block, before PAX or GNU extensions apply. */
export interface RawHeader {
  readonly name: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtime: number;
  readonly typeflag: string;
  readonly linkname: string;
  readonly uname: string;
  readonly gname: string;
  readonly devmajor: number;
  readonly devminor: number;
}

const typeOf: Readonly<Record<string, TarEntryType>> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'directory',
  '6': 'fifo',
};

/** The entry type a type flag stands for; unknown flags are `other`. */
export function entryTypeOf(typeflag: string): TarEntryType {
  return typeOf[typeflag] ?? 'other';
}

/** True when the block is all zeros (the end-of-archive marker). */
export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

/**
 * Decodes a ustar, GNU or v7 header block. The checksum must match (the
 * unsigned sum, or the signed one old tars wrote).
 *
 * @throws InvalidArgumentError when the checksum or a numeric field is wrong.
 */
export function decodeHeaderBlock(block: Buffer, offset: number): RawHeader {
  const stored = readNumeric(block, 148, 8, 'chksum');
  let unsigned = 8 * 0x20;
  let signed = 8 * 0x20;
  for (let i = 0; i < 512; i++) {
    if (i >= 148 && i < 156) continue;
    unsigned += block[i]!;
    signed += (block[i]! << 24) >> 24;
  }
  if (stored !== unsigned && stored !== signed) {
    throw new InvalidArgumentError(`tar header at byte ${offset}: checksum ${stored} does not match the header (expected ${unsigned}); not a tar stream or corrupt`);
  }
  const magic = block.toString('latin1', 257, 263);
  const posix = magic === 'ustar\0';
  let name = cString(block, 0, 100);
  // Only POSIX ustar has a prefix; GNU tar keeps atime/ctime in those bytes.
  if (posix) {
    const prefix = cString(block, 345, 155);
    if (prefix !== '') name = `${prefix}/${name}`;
  }
  return {
    name,
    mode: readNumeric(block, 100, 8, 'mode') & 0o7777,
    uid: readNumeric(block, 108, 8, 'uid'),
    gid: readNumeric(block, 116, 8, 'gid'),
    size: readNumeric(block, 124, 12, 'size'),
    mtime: readNumeric(block, 136, 12, 'mtime'),
    typeflag: String.fromCharCode(block[156]!),
    linkname: cString(block, 157, 100),
    uname: cString(block, 265, 32),
    gname: cString(block, 297, 32),
    devmajor: readNumeric(block, 329, 8, 'devmajor'),
    devminor: readNumeric(block, 337, 8, 'devminor'),
  };
}

function cString(block: Buffer, offset: number, width: number): string {
  const end = block.indexOf(0, offset);
  return block.toString('utf8', offset, end < 0 || end > offset + width ? offset + width : end);
}
