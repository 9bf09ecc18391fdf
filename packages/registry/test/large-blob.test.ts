import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { startRegistry, type RunningRegistry } from './support/registry-process.ts';
import { largeRoundTrip } from './support/large-round-trip.ts';

let registry: RunningRegistry;
let work: string;

test.before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-registry-large-'));
  registry = await startRegistry();
});

test.after.always(async () => {
  await registry?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('a 160 MiB blob round trip streams: peak RSS grows by well under the blob size', async (t) => {
  const result = await largeRoundTrip(registry.host, work, 160);
  const mib = (n: number): string => (n / 2 ** 20).toFixed(1);
  t.log(`push ${mib(result.bytes / (result.pushMs / 1000))} MiB/s, pull ${mib(result.bytes / (result.pullMs / 1000))} MiB/s, peak RSS ${mib(result.rssBefore)} → ${mib(result.rssAfter)} MiB`);
  t.is(result.bytes, 160 * 2 ** 20);
  // Buffering the blob on either side would add at least 160 MiB; streaming plateaus where V8 collects garbage buffers (~80 MiB here, the same for 128 and 384 MiB).
  t.true(result.rssAfter - result.rssBefore < 112 * 2 ** 20, `peak RSS grew by ${mib(result.rssAfter - result.rssBefore)} MiB`);
});
