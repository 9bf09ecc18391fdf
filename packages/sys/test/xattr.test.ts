import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode } from '@kiln/errors';
import { ErrnoError, lgetxattr, llistxattr, lremovexattr, lsetxattr } from '@kiln/sys';
import { cleanUp, tempDir } from './helpers.ts';

const dirs: string[] = [];
const fresh = (): string => {
  const d = tempDir('kiln-xattr-');
  dirs.push(d);
  return d;
};
test.afterEach.always(() => {
  for (const d of dirs.splice(0)) cleanUp(d);
});

test('a binary security.capability value round-trips byte for byte', (t) => {
  const file = path.join(fresh(), 'f');
  fs.writeFileSync(file, '');
  // vfs_cap_data rev2 with CAP_NET_BIND_SERVICE; byte 0x80 and NULs must survive.
  const cap = Buffer.from('0000000200040000000000000000000000000000', 'hex');
  cap[0] = 0x01;
  cap[3] = 0x02;
  cap[5] = 0x80;
  lsetxattr(file, 'security.capability', cap);
  t.deepEqual(lgetxattr(file, 'security.capability'), cap);
});

test('trusted.overlay.opaque on a directory is listed, read and removed', (t) => {
  const dir = path.join(fresh(), 'd');
  fs.mkdirSync(dir);
  lsetxattr(dir, 'trusted.overlay.opaque', 'y');
  lsetxattr(dir, 'user.empty', Buffer.alloc(0));
  t.deepEqual(llistxattr(dir).sort(), ['trusted.overlay.opaque', 'user.empty']);
  t.is(lgetxattr(dir, 'trusted.overlay.opaque')?.toString(), 'y');
  t.deepEqual(lgetxattr(dir, 'user.empty'), Buffer.alloc(0));
  lremovexattr(dir, 'trusted.overlay.opaque');
  t.deepEqual(llistxattr(dir), ['user.empty']);
});

test('a missing attribute reads as undefined and removing it is NotFound (ENODATA)', (t) => {
  const file = path.join(fresh(), 'f');
  fs.writeFileSync(file, '');
  t.is(lgetxattr(file, 'user.nope'), undefined);
  const error = t.throws(() => lremovexattr(file, 'user.nope'), { instanceOf: ErrnoError });
  t.is(error?.code, ErrorCode.NotFound);
  t.is(error?.errnoName, 'ENODATA');
});

test('create mode refuses an existing attribute with AlreadyExists, replace a missing one', (t) => {
  const file = path.join(fresh(), 'f');
  fs.writeFileSync(file, '');
  lsetxattr(file, 'user.a', 'one', 'create');
  t.is(t.throws(() => lsetxattr(file, 'user.a', 'two', 'create'), { instanceOf: ErrnoError })?.code, ErrorCode.AlreadyExists);
  t.is(t.throws(() => lsetxattr(file, 'user.b', 'x', 'replace'), { instanceOf: ErrnoError })?.errnoName, 'ENODATA');
  lsetxattr(file, 'user.a', 'two', 'replace');
  t.is(lgetxattr(file, 'user.a')?.toString(), 'two');
});

test('l*xattr act on a symlink itself, not its target', (t) => {
  const d = fresh();
  fs.writeFileSync(path.join(d, 'target'), '');
  fs.symlinkSync('target', path.join(d, 'link'));
  lsetxattr(path.join(d, 'link'), 'trusted.kiln', 'link');
  t.is(lgetxattr(path.join(d, 'target'), 'trusted.kiln'), undefined);
  t.is(lgetxattr(path.join(d, 'link'), 'trusted.kiln')?.toString(), 'link');
});

test('xattr calls on a missing path are NotFound (ENOENT) with syscall and path', (t) => {
  const p = path.join(fresh(), 'missing');
  const error = t.throws(() => llistxattr(p), { instanceOf: ErrnoError });
  t.is(error?.code, ErrorCode.NotFound);
  t.is(error?.syscall, 'llistxattr');
  t.is(error?.path, p);
});
