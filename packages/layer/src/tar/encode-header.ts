import { InvalidArgumentError } from '@kiln/errors';
import { maxOctal, writeNumeric } from './numeric.js';
import { encodePaxRecords } from './pax.js';
import { BLOCK_SIZE, paddingFor, typeflagOf, type TarHeader } from './tar-header.js';

// ustar field offsets and widths (POSIX.1-1988 plus the 'ustar\0' + '00' magic).
const NAME = [0, 100] as const;
const MODE = [100, 8] as const;
const UID = [108, 8] as const;
const GID = [116, 8] as const;
const SIZE = [124, 12] as const;
const MTIME = [136, 12] as const;
const CHKSUM = [148, 8] as const;
const TYPEFLAG = 156;
const LINKNAME = [157, 100] as const;
const MAGIC = 257;
const UNAME = [265, 32] as const;
const GNAME = [297, 32] as const;
const DEVMAJOR = [329, 8] as const;
const DEVMINOR = [337, 8] as const;
const PREFIX = [345, 155] as const;

const ascii = /^[\x01-\x7f]*$/;

/**
 * Encodes the header blocks of one entry: a PAX extended header when any
 * field does not fit ustar (long or non-ASCII paths, link targets and owner
 * names, uid/gid/size over the octal range, fractional or negative mtimes,
 * xattrs, extra PAX records), then the ustar header block. The body and its
 * padding ({@link paddingFor}) follow, written by the caller.
 *
 * The output is a function of `header` alone, so layers are reproducible.
 *
 * @throws InvalidArgumentError for an empty name, a negative size or ids, or the `other` type.
 */
export function encodeTarHeader(header: TarHeader): Buffer {
  if (header.type === 'other') throw new InvalidArgumentError(`cannot encode tar entry ${JSON.stringify(header.name)} of type "other"`);
  if (header.name === '') throw new InvalidArgumentError('cannot encode a tar entry with an empty name');
  for (const [field, value] of [['uid', header.uid], ['gid', header.gid], ['size', header.size]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new InvalidArgumentError(`tar entry ${JSON.stringify(header.name)}: ${field} must be a non-negative integer, got ${value}`);
    }
  }
  const name = header.type === 'directory' && !header.name.endsWith('/') ? `${header.name}/` : header.name;
  const pax = new Map<string, Buffer>();
  const block = Buffer.alloc(BLOCK_SIZE);

  const split = splitUstarName(name);
  if (split === undefined) {
    pax.set('path', Buffer.from(name, 'utf8'));
    writeString(block, NAME, asciiFallback(name, NAME[1]));
  } else {
    writeString(block, NAME, split.name);
    writeString(block, PREFIX, split.prefix);
  }
  const linkname = header.linkname ?? '';
  if (fitsAscii(linkname, LINKNAME[1])) writeString(block, LINKNAME, linkname);
  else {
    pax.set('linkpath', Buffer.from(linkname, 'utf8'));
    writeString(block, LINKNAME, asciiFallback(linkname, LINKNAME[1]));
  }
  for (const [key, field, value] of [['uname', UNAME, header.uname ?? ''], ['gname', GNAME, header.gname ?? '']] as const) {
    if (fitsAscii(value, field[1] - 1)) writeString(block, field, value);
    else pax.set(key, Buffer.from(value, 'utf8'));
  }
  // Too-big numbers go both into PAX (authoritative) and base-256 (for readers that skip PAX).
  for (const [key, field, value] of [['uid', UID, header.uid], ['gid', GID, header.gid], ['size', SIZE, header.size]] as const) {
    if (value > maxOctal(field[1])) pax.set(key, Buffer.from(String(value), 'ascii'));
    writeNumeric(block, field[0], field[1], value);
  }
  const seconds = Math.floor(header.mtime);
  if (seconds !== header.mtime || seconds < 0 || seconds > maxOctal(MTIME[1])) pax.set('mtime', Buffer.from(formatPaxTime(header.mtime), 'ascii'));
  writeNumeric(block, MTIME[0], MTIME[1], Math.min(Math.max(seconds, 0), maxOctal(MTIME[1])));
  writeNumeric(block, MODE[0], MODE[1], header.mode & 0o7777);
  writeNumeric(block, DEVMAJOR[0], DEVMAJOR[1], header.devmajor ?? 0);
  writeNumeric(block, DEVMINOR[0], DEVMINOR[1], header.devminor ?? 0);
  block.write(typeflagOf[header.type], TYPEFLAG, 1, 'ascii');
  block.write('ustar\x0000', MAGIC, 8, 'latin1');
  for (const [key, value] of [...(header.xattrs ?? [])].sort(([a], [b]) => compareStrings(a, b))) pax.set(`SCHILY.xattr.${key}`, value);
  for (const [key, value] of header.pax ?? []) if (!pax.has(key)) pax.set(key, value);
  writeChecksum(block);
  if (pax.size === 0) return block;

  const body = encodePaxRecords(pax);
  const paxHeader = Buffer.alloc(BLOCK_SIZE);
  writeString(paxHeader, NAME, asciiFallback(`PaxHeaders.0/${basename(name)}`, NAME[1]));
  writeNumeric(paxHeader, MODE[0], MODE[1], 0o644);
  writeNumeric(paxHeader, UID[0], UID[1], 0);
  writeNumeric(paxHeader, GID[0], GID[1], 0);
  writeNumeric(paxHeader, SIZE[0], SIZE[1], body.length);
  writeNumeric(paxHeader, MTIME[0], MTIME[1], 0);
  paxHeader.write('x', TYPEFLAG, 1, 'ascii');
  paxHeader.write('ustar\x0000', MAGIC, 8, 'latin1');
  writeNumeric(paxHeader, DEVMAJOR[0], DEVMAJOR[1], 0);
  writeNumeric(paxHeader, DEVMINOR[0], DEVMINOR[1], 0);
  writeChecksum(paxHeader);
  return Buffer.concat([paxHeader, body, Buffer.alloc(paddingFor(body.length)), block]);
}

/** Byte-wise (UTF-8 code unit) order, the order kiln writes entries in. */
export function compareStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function splitUstarName(name: string): { prefix: string; name: string } | undefined {
  if (!ascii.test(name)) return undefined;
  if (name.length <= NAME[1]) return { prefix: '', name };
  // Split at a slash so that prefix ≤ 155 and name ≤ 100 bytes.
  for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
    if (i > PREFIX[1]) break;
    if (name.length - i - 1 <= NAME[1] && i > 0 && i < name.length - 1) return { prefix: name.slice(0, i), name: name.slice(i + 1) };
  }
  return undefined;
}

function fitsAscii(value: string, width: number): boolean {
  return value.length <= width && ascii.test(value);
}

/** A stand-in for readers without PAX: the ASCII characters of `value`, cut to `width`. */
function asciiFallback(value: string, width: number): string {
  return value.replace(/[^\x01-\x7f]/g, '_').slice(0, width);
}

function basename(name: string): string {
  const trimmed = name.endsWith('/') ? name.slice(0, -1) : name;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function formatPaxTime(mtime: number): string {
  if (Number.isInteger(mtime)) return String(mtime);
  // Nine decimals are nanoseconds; trailing zeros dropped keep output stable.
  return mtime.toFixed(9).replace(/0+$/, '');
}

function writeString(block: Buffer, [offset, width]: readonly [number, number], value: string): void {
  block.write(value, offset, width, 'utf8');
}

function writeChecksum(block: Buffer): void {
  block.fill(0x20, CHKSUM[0], CHKSUM[0] + CHKSUM[1]);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', CHKSUM[0], 8, 'ascii');
}
