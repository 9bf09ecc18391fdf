/**
 * A file-backed stand-in for @kiln/content's store with the same writer
 * contract (invisible until commit, digest and size checked), so tests
 * stream without holding blobs in memory.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { LayerBlobWriter, LayerContentStore } from '@kiln/layer';

export class FileContent implements LayerContentStore {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
    fs.mkdirSync(path.join(dir, 'ingest'), { recursive: true });
  }

  pathOf(digest: string): string {
    return path.join(this.dir, digest.replace(':', '-'));
  }

  writer(ref: string): LayerBlobWriter {
    const temp = path.join(this.dir, 'ingest', ref);
    const fd = fs.openSync(temp, 'wx');
    const hash = createHash('sha256');
    let size = 0;
    return {
      write: async (chunk) => {
        hash.update(chunk);
        size += chunk.length;
        fs.writeSync(fd, chunk);
      },
      commit: async (expectedSize, expectedDigest) => {
        fs.closeSync(fd);
        const digest = `sha256:${hash.digest('hex')}`;
        if ((expectedSize !== undefined && expectedSize !== size) || (expectedDigest !== undefined && expectedDigest !== digest)) {
          fs.rmSync(temp);
          throw new Error(`commit mismatch: ${digest}/${size} vs ${expectedDigest}/${expectedSize}`);
        }
        fs.renameSync(temp, this.pathOf(digest));
      },
      abort: async () => {
        try {
          fs.closeSync(fd);
        } catch {}
        fs.rmSync(temp, { force: true });
      },
    };
  }

  readStream(digest: string): AsyncIterable<Uint8Array> {
    return fs.createReadStream(this.pathOf(digest));
  }

  /** Names of committed blobs and of open ingests. */
  listing(): { blobs: string[]; ingest: string[] } {
    return { blobs: fs.readdirSync(this.dir).filter((n) => n !== 'ingest'), ingest: fs.readdirSync(path.join(this.dir, 'ingest')) };
  }
}
