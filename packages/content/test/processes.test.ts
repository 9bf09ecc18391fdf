import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { digestBytes, LocalContentStore } from '@kiln/content';
import { collect, listDir, patternBytes, tempRoot } from './support/temp-root.ts';

const child = fileURLToPath(new URL('./support/blob-writer-child.ts', import.meta.url));

function run(args: string[]): { done: Promise<{ code: number | null; signal: string | null; stdout: string[] }>; pid: number; lines: AsyncIterable<string> } {
  const proc = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stdout: string[] = [];
  const lines = createInterface({ input: proc.stdout });
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string[] }>((resolve) => {
    lines.on('line', (line) => stdout.push(line));
    proc.on('close', (code, signal) => resolve({ code, signal, stdout }));
  });
  return { done, pid: proc.pid!, lines: lines[Symbol.asyncIterator]() as unknown as AsyncIterable<string> };
}

test('two processes writing the same blob at once both succeed and store one copy', async (t) => {
  const root = tempRoot(t);
  const dir = path.join(root, 'content');
  const barrier = path.join(root, 'barrier');
  fs.mkdirSync(barrier);
  await LocalContentStore.open(dir);
  const size = 8 * 1024 * 1024 + 123;
  const a = run([dir, String(size), '7', 'race', barrier]);
  const b = run([dir, String(size), '7', 'race', barrier]);
  const [ra, rb] = await Promise.all([a.done, b.done]);
  t.is(ra.code, 0);
  t.is(rb.code, 0);
  const expected = digestBytes(patternBytes(size, 7));
  t.deepEqual(JSON.parse(ra.stdout[0]!), { digest: expected, size });
  t.deepEqual(JSON.parse(rb.stdout[0]!), { digest: expected, size });
  t.is(listDir(barrier).length, 2, 'both children were mid-ingest at the same time');
  t.deepEqual(listDir(path.join(dir, 'blobs', 'sha256')), [expected.slice(7)]);
  t.deepEqual(listDir(path.join(dir, 'ingest')), []);
  const store = await LocalContentStore.open(dir);
  t.is((await store.readBytes(expected, { maxSize: size })).length, size);
});

test('a write killed with SIGKILL leaves nothing visible, and the next open removes its ingest file', async (t) => {
  const dir = path.join(tempRoot(t), 'content');
  const store = await LocalContentStore.open(dir);
  const size = 4 * 1024 * 1024;
  const writer = run([dir, String(size), '3', 'hang']);
  for await (const line of writer.lines) if (line === 'ready') break;
  const ingests = listDir(path.join(dir, 'ingest'));
  t.is(ingests.length, 1, 'the child is mid-ingest');
  t.true(ingests[0]!.startsWith(`${writer.pid}.`));

  // While the writer lives, opening the store must not touch its ingest.
  await LocalContentStore.open(dir);
  t.deepEqual(listDir(path.join(dir, 'ingest')), ingests);

  process.kill(writer.pid, 'SIGKILL');
  const ended = await writer.done;
  t.is(ended.signal, 'SIGKILL');
  t.deepEqual(listDir(path.join(dir, 'blobs', 'sha256')), []);
  t.false(await store.has(digestBytes(patternBytes(size, 3))));
  t.deepEqual([...(await collect(store.walk()))], []);

  await LocalContentStore.open(dir);
  t.deepEqual(listDir(path.join(dir, 'ingest')), []);
});
