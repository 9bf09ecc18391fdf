import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode } from '@kiln/errors';
import { ErrnoError, FileType, makedev, mknod, splitDevice } from '@kiln/sys';
import { cleanUp, tempDir } from './helpers.ts';

const dirs: string[] = [];
test.afterEach.always(() => {
  for (const d of dirs.splice(0)) cleanUp(d);
});

test('makedev and splitDevice agree with glibc for small and large numbers', (t) => {
  t.is(makedev(0, 0), 0n);
  t.is(makedev(1, 3), 0x103n);
  t.is(makedev(259, 65536), 0x10010300n);
  t.is(makedev(4096, 0), 0x1000n << 32n);
  for (const [major, minor] of [[0, 0], [1, 3], [8, 17], [259, 65536], [4095, 255], [4096, 1048576]] as const) {
    t.deepEqual(splitDevice(makedev(major, minor)), { major, minor });
  }
});

test('an overlay whiteout (char 0/0) is created and reads back as rdev 0', (t) => {
  const d = tempDir('kiln-mknod-');
  dirs.push(d);
  const p = path.join(d, 'wh');
  mknod(p, FileType.characterDevice | 0o600, 0, 0);
  const st = fs.lstatSync(p);
  t.true(st.isCharacterDevice());
  t.is(st.rdev, 0);
  t.is(st.mode & 0o777, 0o600 & ~process.umask());
});

test('a char device keeps its major and minor (1:3, like /dev/null)', (t) => {
  const d = tempDir('kiln-mknod-');
  dirs.push(d);
  const p = path.join(d, 'null');
  mknod(p, FileType.characterDevice | 0o666, 1, 3);
  t.deepEqual(splitDevice(fs.lstatSync(p).rdev), { major: 1, minor: 3 });
});

test('a FIFO is created; mknod over an existing name is AlreadyExists (EEXIST)', (t) => {
  const d = tempDir('kiln-mknod-');
  dirs.push(d);
  const p = path.join(d, 'fifo');
  mknod(p, FileType.fifo | 0o644);
  t.true(fs.lstatSync(p).isFIFO());
  const error = t.throws(() => mknod(p, FileType.fifo | 0o644), { instanceOf: ErrnoError });
  t.is(error?.code, ErrorCode.AlreadyExists);
  t.is(error?.syscall, 'mknod');
});
