import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { createDigester, digestBytes, LocalContentStore } from '@kiln/content';
import type { Digest } from '@kiln/oci';
import { patternBytes, tempRoot } from './support/temp-root.ts';

const samples: [string, Buffer][] = [
  ['empty', Buffer.alloc(0)],
  ['hello\\n', Buffer.from('hello\n')],
  ['one byte 0xff', Buffer.from([0xff])],
  ['1 MiB + 7 of pattern', patternBytes((1 << 20) + 7, 11)],
];

for (const [name, bytes] of samples) {
  test(`sha256 of ${name} is what sha256sum prints, in memory and through the store`, async (t) => {
    const dir = tempRoot(t);
    const file = path.join(dir, 'sample');
    fs.writeFileSync(file, bytes);
    const expected = `sha256:${execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0]}`;
    t.is<string, string>(digestBytes(bytes), expected);
    const store = await LocalContentStore.open(path.join(dir, 'content'));
    const chunks = [bytes.subarray(0, 3), bytes.subarray(3)];
    t.deepEqual(await store.ingest(chunks), { digest: expected, size: bytes.length });
    t.is(`sha256:${execFileSync('sha256sum', [store.path(expected as Digest)], { encoding: 'utf8' }).split(' ')[0]}`, expected);
  });
}

test('sha512 matches sha512sum, and a running digester can be read midway', (t) => {
  const dir = tempRoot(t);
  const bytes = patternBytes(100_000, 5);
  const file = path.join(dir, 'sample');
  fs.writeFileSync(file, bytes);
  t.is<string, string>(digestBytes(bytes, 'sha512'), `sha512:${execFileSync('sha512sum', [file], { encoding: 'utf8' }).split(' ')[0]}`);
  const digester = createDigester();
  digester.update(bytes.subarray(0, 10));
  t.is(digester.digest(), digestBytes(bytes.subarray(0, 10)));
  digester.update(bytes.subarray(10));
  t.is(digester.digest(), digestBytes(bytes));
});
