import { DataLossError } from '@kiln/errors';
import fs from 'node:fs';

const smallFile = 1024 * 1024;
const chunkSize = 1024 * 1024;

/**
 * Yields exactly `size` bytes of the regular file at `path`, never following
 * a symlink in its last component. Files up to 1 MiB are read synchronously
 * in one go (per-file async overhead dominates small files); bigger ones in
 * 1 MiB async reads, each into a fresh buffer, so at most a few chunks are in
 * memory whatever the file size. Holes of sparse files read as zeros.
 *
 * @throws DataLossError when the file is shorter than `size` (it changed while read).
 */
export async function* readFileBody(path: string, size: number): AsyncGenerator<Buffer> {
  if (size === 0) return;
  const flags = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW;
  if (size <= smallFile) {
    const fd = fs.openSync(path, flags);
    try {
      const buffer = Buffer.allocUnsafe(size);
      let done = 0;
      while (done < size) {
        const n = fs.readSync(fd, buffer, done, size - done, done);
        if (n === 0) throw shortRead(path, size, done);
        done += n;
      }
      yield buffer;
    } finally {
      fs.closeSync(fd);
    }
    return;
  }
  const file = await fs.promises.open(path, flags);
  try {
    let done = 0;
    while (done < size) {
      const want = Math.min(chunkSize, size - done);
      const buffer = Buffer.allocUnsafe(want);
      let filled = 0;
      while (filled < want) {
        const { bytesRead } = await file.read(buffer, filled, want - filled, done + filled);
        if (bytesRead === 0) throw shortRead(path, size, done + filled);
        filled += bytesRead;
      }
      done += want;
      yield buffer;
    }
  } finally {
    await file.close();
  }
}

function shortRead(path: string, size: number, got: number): DataLossError {
  return new DataLossError(`file ${path} changed while it was read: expected ${size} bytes, it ended after ${got}`);
}
