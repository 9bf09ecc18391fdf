// Measures LocalContentStore.ingest of one large blob: throughput and whether memory stays flat.
// Run: node packages/content/bench/ingest-throughput.ts [MiB=256]
// It streams generated 64 KiB chunks (no input file, so only hashing + writing are measured),
// then streams the committed blob back through a second ingest from the file (read + hash + write).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalContentStore } from '@kiln/content';

const mib = Number(process.argv[2] ?? 256);
const chunk = Buffer.alloc(64 * 1024);
for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + 7) & 0xff;

async function* generated(bytes: number): AsyncIterable<Uint8Array> {
  for (let sent = 0; sent < bytes; sent += chunk.length) {
    const piece = Buffer.from(chunk); // a fresh buffer per chunk, as a network stream would hand over
    piece.writeUInt32LE(sent / chunk.length, 0);
    yield piece;
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-bench-'));
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
try {
  const store = await LocalContentStore.open(path.join(dir, 'a'));
  const rssBefore = process.memoryUsage().rss;
  let start = performance.now();
  const { digest, size } = await store.ingest(generated(mib << 20));
  let seconds = (performance.now() - start) / 1000;
  console.log(`generated stream → store: ${mib} MiB in ${seconds.toFixed(2)} s = ${(mib / seconds).toFixed(0)} MiB/s (${digest}, ${size} bytes)`);

  const other = await LocalContentStore.open(path.join(dir, 'b'));
  start = performance.now();
  await other.ingest(fs.createReadStream(store.path(digest), { highWaterMark: 1 << 20 }), { digest, size });
  seconds = (performance.now() - start) / 1000;
  console.log(`file stream → store (verified): ${mib} MiB in ${seconds.toFixed(2)} s = ${(mib / seconds).toFixed(0)} MiB/s`);
  console.log(`RSS before ${(rssBefore / 2 ** 20).toFixed(0)} MiB, peak during ingests ${(peak / 2 ** 20).toFixed(0)} MiB (blob ${mib} MiB)`);
} finally {
  clearInterval(sampler);
  fs.rmSync(dir, { recursive: true, force: true });
}
