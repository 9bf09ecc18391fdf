import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import test from 'ava';
import { digestBytes, LocalContentStore } from '@kiln/content';
import type { Digest } from '@kiln/oci';
import { collect, listDir, patternBytes, tempRoot } from './support/temp-root.ts';

async function open(t: Parameters<typeof tempRoot>[0]): Promise<{ store: LocalContentStore; dir: string }> {
  const dir = path.join(tempRoot(t), 'content');
  return { store: await LocalContentStore.open(dir), dir };
}

function assertNothingStored(t: Parameters<typeof tempRoot>[0], dir: string): void {
  t.deepEqual(listDir(path.join(dir, 'blobs', 'sha256')), []);
  t.deepEqual(listDir(path.join(dir, 'blobs', 'sha512')), []);
  t.deepEqual(listDir(path.join(dir, 'ingest')), []);
}

test('a blob whose bytes do not match its digest fails with DataLoss and stores nothing', async (t) => {
  const { store, dir } = await open(t);
  const claimed = digestBytes('something else');
  const error = await t.throwsAsync(store.ingest(Readable.from([Buffer.from('actual bytes')]), { digest: claimed }));
  t.is((error as { code?: string }).code, 'DataLoss');
  t.regex(error!.message, new RegExp(`expected ${claimed}, got ${digestBytes('actual bytes')}`));
  assertNothingStored(t, dir);
  t.false(await store.has(claimed));
  t.false(await store.has(digestBytes('actual bytes')));
});

test('a blob of the wrong size fails with DataLoss and stores nothing', async (t) => {
  const { store, dir } = await open(t);
  const error = await t.throwsAsync(store.ingest([Buffer.from('12345')], { size: 4 }));
  t.is((error as { code?: string }).code, 'DataLoss');
  t.regex(error!.message, /expected 4 bytes, got 5/);
  assertNothingStored(t, dir);
});

test('a stream that fails midway stores nothing', async (t) => {
  const { store, dir } = await open(t);
  async function* broken(): AsyncIterable<Uint8Array> {
    yield Buffer.from('partial');
    throw new Error('connection reset');
  }
  await t.throwsAsync(store.ingest(broken()), { message: 'connection reset' });
  assertNothingStored(t, dir);
});

test('committed content is readable, stat-able, streamable from an offset and walkable', async (t) => {
  const { store } = await open(t);
  const bytes = patternBytes(3 * 1024 * 1024 + 5, 9);
  const { digest, size } = await store.ingest(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), { size: bytes.length });
  t.is(size, bytes.length);
  t.true(await store.has(digest));
  t.is((await store.info(digest)).size, bytes.length);
  const tail: Buffer[] = [];
  for await (const chunk of await store.readStream(digest, { start: 1_000_000 })) tail.push(chunk as Buffer);
  t.true(Buffer.concat(tail).equals(bytes.subarray(1_000_000)));
  t.true(fs.readFileSync(store.path(digest)).equals(bytes));
  t.deepEqual((await collect(store.walk())).map((i) => i.digest), [digest]);
  await store.delete(digest);
  t.false(await store.has(digest));
  await t.throwsAsync(store.delete(digest), { code: 'NotFound' } as never);
});

test('missing content is NotFound', async (t) => {
  const { store } = await open(t);
  const missing = digestBytes('nope');
  for (const call of [() => store.info(missing), () => store.readStream(missing), () => store.readBytes(missing)]) {
    const error = await t.throwsAsync(call());
    t.is((error as { code?: string }).code, 'NotFound');
    t.true(error!.message.includes(missing));
  }
});

test('readBytes refuses blobs over its limit and detects corruption on disk', async (t) => {
  const { store } = await open(t);
  const { digest } = await store.writeBytes('{"schemaVersion":2}');
  t.is((await store.readBytes(digest)).toString(), '{"schemaVersion":2}');
  t.is(((await t.throwsAsync(store.readBytes(digest, { maxSize: 5 }))) as { code?: string }).code, 'ResourceExhausted');
  fs.chmodSync(store.path(digest), 0o644);
  fs.writeFileSync(store.path(digest), '{"schemaVersion":3}');
  t.is(((await t.throwsAsync(store.readBytes(digest))) as { code?: string }).code, 'DataLoss');
});

test('sha512 content is verified, announced or not', async (t) => {
  const { store, dir } = await open(t);
  const bytes = patternBytes(200_000, 4);
  const sha512 = digestBytes(bytes, 'sha512');
  t.deepEqual(await store.ingest([bytes], { digest: sha512 }), { digest: sha512, size: bytes.length });
  t.true(fs.existsSync(path.join(dir, 'blobs', 'sha512', sha512.slice(7))));
  t.is((await store.readBytes(sha512)).length, bytes.length);

  const other = patternBytes(1000, 8);
  const writer = await store.writer('late-sha512');
  await writer.write(other);
  t.deepEqual(await writer.commit(undefined, digestBytes(other, 'sha512')), { digest: digestBytes(other, 'sha512'), size: 1000 });

  const wrong = `sha512:${'0'.repeat(128)}` as Digest;
  t.is(((await t.throwsAsync(store.ingest([other], { digest: wrong }))) as { code?: string }).code, 'DataLoss');
  t.false(await store.has(wrong));
  t.deepEqual(listDir(path.join(dir, 'ingest')), []);
});

test('a writer reports its running digest, stores nothing on abort, and refuses use after commit', async (t) => {
  const { store, dir } = await open(t);
  const writer = await store.writer('w');
  await writer.write(Buffer.from('ab'));
  t.is(writer.digest(), digestBytes('ab'));
  t.is(writer.offset, 2);
  await writer.abort();
  assertNothingStored(t, dir);
  const second = await store.writer('w');
  const reused = Buffer.from('xy');
  await second.write(reused);
  reused.write('zz'); // the caller may reuse its buffer once write resolves
  const result = await second.commit(2, digestBytes('xy'));
  t.is((await store.readBytes(result.digest)).toString(), 'xy');
  await t.throwsAsync(second.write(Buffer.from('more')), { message: /already committed or aborted/ });
});

test('ingesting content that is already stored returns it without reading the source', async (t) => {
  const { store } = await open(t);
  const first = await store.writeBytes('same');
  let read = false;
  async function* source(): AsyncIterable<Uint8Array> {
    read = true;
    yield Buffer.from('same');
  }
  t.deepEqual(await store.ingest(source(), { digest: first.digest, size: 4 }), first);
  t.false(read);
  t.deepEqual(await store.ingest([Buffer.from('same')]), first);
  t.is((await collect(store.walk())).length, 1);
});

test('many small chunks of varying size, mixed with large ones, are stored byte for byte', async (t) => {
  const { store } = await open(t);
  const bytes = patternBytes(7 * 1024 * 1024 + 333, 21);
  const writer = await store.writer('mixed');
  let at = 0;
  let i = 0;
  while (at < bytes.length) {
    const length = i % 17 === 16 ? 2 * 1024 * 1024 : 1 + ((i * 7919) % (100 * 1024));
    const piece = Buffer.from(bytes.subarray(at, at + length));
    await writer.write(piece);
    piece.fill(0); // reused by the caller right after write resolves
    at += length;
    i++;
  }
  const { digest, size } = await writer.commit(bytes.length, digestBytes(bytes));
  t.is(size, bytes.length);
  t.true(fs.readFileSync(store.path(digest)).equals(bytes));
});
