// A child process for the multi-process tests. Usage:
//   node blob-writer-child.ts <content dir> <size> <seed> <mode> [barrier dir]
// mode "race":  write half, announce, wait until every barrier file exists, write the rest, commit, print the digest.
// mode "hang":  write half, fsync-free, print "ready" and wait to be killed.
import fs from 'node:fs';
import path from 'node:path';
import { LocalContentStore } from '@kiln/content';
import { patternBytes } from './temp-root.ts';

const [dir, sizeText, seedText, mode, barrier] = process.argv.slice(2);
const size = Number(sizeText);
const bytes = patternBytes(size, Number(seedText));
const store = await LocalContentStore.open(dir!);
const writer = await store.writer(`child-${process.pid}`);
const chunk = 64 * 1024;
const half = Math.floor(size / 2 / chunk) * chunk;
for (let at = 0; at < half; at += chunk) await writer.write(bytes.subarray(at, Math.min(at + chunk, half)));

if (mode === 'hang') {
  process.stdout.write('ready\n');
  setInterval(() => undefined, 1000);
} else {
  fs.writeFileSync(path.join(barrier!, String(process.pid)), '');
  while (fs.readdirSync(barrier!).length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
  for (let at = half; at < size; at += chunk) await writer.write(bytes.subarray(at, Math.min(at + chunk, size)));
  const result = await writer.commit(size);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
