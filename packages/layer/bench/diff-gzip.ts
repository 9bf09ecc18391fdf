/**
 * Benchmark: kiln's diff + gzip on a ~200 MB change against GNU `tar -c | gzip`
 * on the same tree, in the same run. The change is real files copied from
 * /usr (many small files and some big ones), as a base layer (empty lower).
 *
 *   node packages/layer/bench/diff-gzip.ts [MiB=200] [level=6]
 *
 * Prints MiB/s of uncompressed tar for each. Uses a temp dir, removed after.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { diff, type LayerBlobWriter } from '@kiln/layer';

const MiB = 1024 * 1024;
const want = Number(process.argv[2] ?? 200) * MiB;
const level = Number(process.argv[3] ?? 6);
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-bench-'));
try {
  const tree = path.join(base, 'tree');
  let total = 0;
  let files = 0;
  const copy = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      if (total >= want) return;
      const src = path.join(dir, name);
      const st = fs.lstatSync(src);
      if (st.isDirectory()) copy(src);
      else if (st.isFile()) {
        const dst = path.join(tree, path.relative('/usr', src));
        fs.mkdirSync(path.dirname(dst), { recursive: true });
        fs.copyFileSync(src, dst);
        total += st.size;
        files++;
      }
    }
  };
  copy('/usr/lib');
  if (total < want) copy('/usr/share');
  execFileSync('sync');
  // Warm the page cache for both contenders alike.
  execFileSync('bash', ['-c', `tar -C ${tree} -cf - . | cat > /dev/null`]);
  const tarBytes = Number(execFileSync('bash', ['-c', `tar -C ${tree} -cf - . | wc -c`]).toString().trim());

  const discard = {
    writer: (): LayerBlobWriter => {
      const hash = createHash('sha256');
      return { write: async (c) => void hash.update(c), commit: async () => hash.digest('hex'), abort: async () => {} };
    },
    readStream: () => {
      throw new Error('unused');
    },
  };
  const runs: string[] = [];
  for (let round = 0; round < 2; round++) {
    let t0 = process.hrtime.bigint();
    const result = await diff([], [{ type: 'bind', source: tree, options: ['rbind'] }], discard, { compression: 'gzip', level });
    const kilnSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    t0 = process.hrtime.bigint();
    const gnuOut = Number(execFileSync('bash', ['-o', 'pipefail', '-c', `tar -C ${tree} -cf - . | gzip -${level} | wc -c`]).toString().trim());
    const gnuSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    runs.push(
      `round ${round + 1}: kiln diff+gzip -${level}: ${kilnSeconds.toFixed(2)} s, ${(result.uncompressedSize / MiB / kilnSeconds).toFixed(1)} MiB/s, ` +
        `blob ${(result.descriptor.size / MiB).toFixed(1)} MiB | GNU tar|gzip -${level}: ${gnuSeconds.toFixed(2)} s, ${(tarBytes / MiB / gnuSeconds).toFixed(1)} MiB/s, blob ${(gnuOut / MiB).toFixed(1)} MiB`,
    );
  }
  process.stdout.write(`tree: ${files} files, ${(total / MiB).toFixed(1)} MiB (tar ${(tarBytes / MiB).toFixed(1)} MiB)\n${runs.join('\n')}\n`);
} finally {
  fs.rmSync(base, { recursive: true, force: true });
}
