import type { TarHeader, TarInput } from '@kiln/layer';

/**
 * Header of a regular file in an archive kiln writes: owned by root, mode
 * 0644, mtime 0 (the epoch), so the same images give byte-identical archives.
 */
export function fileHeader(name: string, size: number): TarHeader {
  return { name, type: 'file', mode: 0o644, uid: 0, gid: 0, size, mtime: 0, uname: '', gname: '' };
}

/** Header of a directory in an archive kiln writes (mode 0755; see {@link fileHeader}). */
export function directoryHeader(name: string): TarHeader {
  return { name, type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0, uname: '', gname: '' };
}

/** A small in-memory member (JSON metadata). */
export function bytesMember(name: string, bytes: string | Uint8Array): TarInput {
  const body = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  return { header: fileHeader(name, body.length), body };
}

