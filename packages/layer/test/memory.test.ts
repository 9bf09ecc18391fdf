import test from 'ava';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './support/tmp.ts';

const probe = fileURLToPath(new URL('./support/rss-probe.ts', import.meta.url));
const MiB = 1024 * 1024;

test('diff and apply of a 200 MiB layer keep peak RSS flat (streaming, never the whole layer)', (t) => {
  const base = tempDir(t, 'rss');
  const upper = path.join(base, 'upper');
  fs.mkdirSync(path.join(upper, 'small'), { recursive: true });
  fs.writeFileSync(path.join(upper, 'small/f'), 'x');
  // Two big files with pseudo-random (incompressible-ish) pages, so gzip works for real.
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((i * 2654435761) >>> 0, i);
  for (const name of ['big1', 'big2']) {
    const fd = fs.openSync(path.join(upper, name), 'w');
    for (let i = 0; i < 100; i++) {
      block.writeUInt32LE(i, 0);
      fs.writeSync(fd, block);
    }
    fs.closeSync(fd);
  }
  const target = path.join(base, 'target');
  fs.mkdirSync(path.join(target, 'warm'), { recursive: true });
  fs.mkdirSync(path.join(target, 'full'));
  const out = execFileSync(process.execPath, [probe, upper, target, path.join(base, 'store'), 'gzip']).toString();
  const r = JSON.parse(out) as { baseline: number; afterDiff: number; afterApply: number; size: number };
  t.log(`peak RSS: baseline ${(r.baseline / MiB).toFixed(1)} MiB, after diff ${(r.afterDiff / MiB).toFixed(1)} MiB, after apply ${(r.afterApply / MiB).toFixed(1)} MiB, layer ${(r.size / MiB).toFixed(1)} MiB`);
  t.true(r.size > 200 * MiB);
  t.true(r.afterDiff - r.baseline < 48 * MiB, `diff grew peak RSS by ${((r.afterDiff - r.baseline) / MiB).toFixed(1)} MiB`);
  t.true(r.afterApply - r.baseline < 48 * MiB, `apply grew peak RSS by ${((r.afterApply - r.baseline) / MiB).toFixed(1)} MiB`);
  t.is(fs.statSync(path.join(target, 'full/big2')).size, 100 * MiB);
});
