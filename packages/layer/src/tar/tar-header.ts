/**
 * The kinds of tar entry kiln reads and writes. `other` stands for any type
 * flag this codec does not model (GNU volume labels, dump dirs, old sparse
 * files); its raw flag is in {@link TarHeader.typeflag} and its body is
 * skipped by readers that do not want it.
 */
export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'directory' | 'fifo' | 'other';

/**
 * One tar entry's metadata, after PAX and GNU extensions have been folded in.
 *
 * Paths are UTF-8 strings, relative, `/`-separated, exactly as stored (a
 * reader must not trust them: see the layer's `apply`). Directory names carry
 * no trailing slash here; the encoder adds it.
 */
export interface TarHeader {
  /** Entry path as stored (PAX `path` or GNU long name when present). */
  readonly name: string;
  readonly type: TarEntryType;
  /** Permission bits plus setuid (0o4000), setgid (0o2000) and sticky (0o1000); no file-type bits. */
  readonly mode: number;
  /** Numeric owner; any non-negative safe integer (PAX or base-256 when it does not fit the ustar field). */
  readonly uid: number;
  readonly gid: number;
  /** Body length in bytes: 0 for everything but regular files. */
  readonly size: number;
  /** Modification time in seconds since the epoch; may carry a fraction when read from PAX `mtime`. */
  readonly mtime: number;
  /** Symlink target or hardlink target path (for hardlinks a path inside the same archive). */
  readonly linkname?: string;
  readonly uname?: string;
  readonly gname?: string;
  /** Device numbers of `char` and `block` entries. */
  readonly devmajor?: number;
  readonly devminor?: number;
  /** Extended attributes (`SCHILY.xattr.<name>`), values byte-exact. */
  readonly xattrs?: ReadonlyMap<string, Buffer>;
  /** Other PAX records this codec does not interpret, keyed by record name, values raw. */
  readonly pax?: ReadonlyMap<string, Buffer>;
  /** The raw ustar type flag; set by the parser, ignored by the encoder except for `other`. */
  readonly typeflag?: string;
}

/** Tar block size in bytes; every header and every body is padded to a multiple of it. */
export const BLOCK_SIZE = 512;

/** The type flags of the entry kinds kiln writes. */
export const typeflagOf: Readonly<Record<Exclude<TarEntryType, 'other'>, string>> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  directory: '5',
  fifo: '6',
};

/** Bytes of padding after a body of `size` bytes. */
export function paddingFor(size: number): number {
  const rest = size % BLOCK_SIZE;
  return rest === 0 ? 0 : BLOCK_SIZE - rest;
}
