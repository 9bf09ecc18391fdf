/**
 * Benchmark: push and pull one large blob through a local docker-registry.
 * Run: node packages/registry/bench/round-trip.ts [MiB=128] [chunkMiB=0]
 * (after `npx tsc -b packages/registry`). Prints MiB/s each way and peak RSS.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRegistry } from '../test/support/registry-process.ts';
import { largeRoundTrip } from '../test/support/large-round-trip.ts';

const mebibytes = Number(process.argv[2] ?? 128);
const chunkMiB = Number(process.argv[3] ?? 0);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-registry-bench-'));
const registry = await startRegistry();
try {
  const r = await largeRoundTrip(registry.host, work, mebibytes, { chunkSize: chunkMiB * 2 ** 20 });
  const mib = (n: number): string => (n / 2 ** 20).toFixed(1);
  console.log(
    `${mebibytes} MiB${chunkMiB ? `, ${chunkMiB} MiB chunks` : ', monolithic'}: push ${mib(r.bytes / (r.pushMs / 1000))} MiB/s (${r.pushMs.toFixed(0)} ms), ` +
      `pull ${mib(r.bytes / (r.pullMs / 1000))} MiB/s (${r.pullMs.toFixed(0)} ms), peak RSS ${mib(r.rssBefore)} MiB before, ${mib(r.rssAfter)} MiB after`,
  );
} finally {
  await registry.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
