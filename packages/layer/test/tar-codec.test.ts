import test from 'ava';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { encodeTar, encodeTarHeader, parseTar, type TarHeader, type TarInput } from '@kiln/layer';
import { capability, collect, tempDir } from './support/tmp.ts';
import { getXattr, setXattr } from './support/xattr-tool.ts';

async function* chunked(buffer: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}

async function readAll(tar: Buffer, chunkSize = 4096): Promise<Array<{ header: TarHeader; data: Buffer }>> {
  const out = [];
  for await (const entry of parseTar(chunked(tar, chunkSize))) out.push({ header: entry.header, data: await collect(entry.body) });
  return out;
}

const longUnicode = `dir-ü/${'ñame-'.repeat(30)}日本語.txt`;
const entries: TarInput[] = [
  { header: { name: 'etc', type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 1700000000 } },
  { header: { name: 'etc/big-ids', type: 'file', mode: 0o4755, uid: 1000000, gid: 3000000, size: 5, mtime: 1700000001 }, body: Buffer.from('hello') },
  { header: { name: 'bin/ping', type: 'file', mode: 0o2711, uid: 0, gid: 0, size: 0, mtime: 1, xattrs: new Map([['security.capability', capability], ['user.note', Buffer.from('ü')]]) } },
  { header: { name: longUnicode, type: 'file', mode: 0o644, uid: 0, gid: 0, size: 3, mtime: 1700000002 }, body: Buffer.from('abc') },
  { header: { name: 'tmp', type: 'directory', mode: 0o1777, uid: 0, gid: 0, size: 0, mtime: 1700000003 } },
  { header: { name: 'link-long', type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, mtime: 1700000004, linkname: `/${'target/'.repeat(20)}end` } },
  { header: { name: 'etc/hard', type: 'hardlink', mode: 0o4755, uid: 1000000, gid: 3000000, size: 0, mtime: 1700000001, linkname: 'etc/big-ids' } },
  { header: { name: 'dev/null', type: 'char', mode: 0o666, uid: 0, gid: 0, size: 0, mtime: 1700000005, devmajor: 1, devminor: 3 } },
  { header: { name: 'dev/loop0', type: 'block', mode: 0o660, uid: 0, gid: 6, size: 0, mtime: 1700000005, devmajor: 7, devminor: 0 } },
  { header: { name: 'run/fifo', type: 'fifo', mode: 0o600, uid: 0, gid: 0, size: 0, mtime: 1700000006 } },
];

test('encode then parse keeps every field, binary xattrs byte-exact and uid 1000000', async (t) => {
  const tar = await collect(encodeTar(entries));
  t.is(tar.length % 512, 0);
  for (const chunkSize of [1, 511, 4096, tar.length]) {
    const parsed = await readAll(tar, chunkSize);
    t.is(parsed.length, entries.length, `chunk size ${chunkSize}`);
    for (const [i, { header, data }] of parsed.entries()) {
      const want = entries[i]!.header;
      t.is(header.name, want.name);
      t.is(header.type, want.type);
      t.is(header.mode, want.mode);
      t.is(header.uid, want.uid);
      t.is(header.gid, want.gid);
      t.is(header.mtime, want.mtime);
      t.is(header.linkname, want.linkname);
      t.is(header.devmajor, want.devmajor ?? 0);
      t.deepEqual(header.xattrs, want.xattrs);
      t.deepEqual(data, entries[i]!.body instanceof Buffer ? entries[i]!.body : Buffer.alloc(0));
    }
  }
});

test('encoding is deterministic and sorts xattrs', (t) => {
  const a = encodeTarHeader({ name: 'f', type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 0, xattrs: new Map([['user.b', Buffer.from('1')], ['user.a', Buffer.from('2')]]) });
  const b = encodeTarHeader({ name: 'f', type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 0, xattrs: new Map([['user.a', Buffer.from('2')], ['user.b', Buffer.from('1')]]) });
  t.deepEqual(a, b);
  t.true(a.includes(Buffer.from('SCHILY.xattr.user.a=2\n')));
});

test('a body shorter than its header size is an error, not a corrupt tar', async (t) => {
  const bad = encodeTar([{ header: { name: 'f', type: 'file', mode: 0o644, uid: 0, gid: 0, size: 10, mtime: 0 }, body: Buffer.from('short') }]);
  await t.throwsAsync(collect(bad), { code: 'DataLoss' });
});

test('a corrupt header checksum is rejected', async (t) => {
  const tar = await collect(encodeTar(entries.slice(0, 1)));
  tar[0] = 0x41;
  await t.throwsAsync(readAll(tar), { code: 'InvalidArgument', message: /checksum/ });
});

test('a truncated stream is data loss', async (t) => {
  const tar = await collect(encodeTar(entries.slice(1, 2)));
  await t.throwsAsync(readAll(tar.subarray(0, 1024 + 2)), { code: 'DataLoss' });
});

test('GNU tar extracts what the encoder writes: big ids, setuid, sticky, capability, long unicode names, devices', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'a.tar');
  fs.writeFileSync(file, await collect(encodeTar(entries)));
  const out = path.join(dir, 'out');
  fs.mkdirSync(out);
  execFileSync('tar', ['--xattrs', '--xattrs-include=*', '--numeric-owner', '-xpf', file, '-C', out]);
  const big = fs.lstatSync(path.join(out, 'etc/big-ids'));
  t.is(big.uid, 1000000);
  t.is(big.gid, 3000000);
  t.is(big.mode & 0o7777, 0o4755);
  t.is(big.nlink, 2);
  t.is(big.mtimeMs, 1700000001000);
  t.is(fs.lstatSync(path.join(out, 'tmp')).mode & 0o7777, 0o1777);
  t.deepEqual(getXattr(path.join(out, 'bin/ping'), 'security.capability'), capability);
  t.is(fs.readFileSync(path.join(out, longUnicode), 'utf8'), 'abc');
  t.is(fs.readlinkSync(path.join(out, 'link-long')), entries[5]!.header.linkname!);
  const devnull = fs.lstatSync(path.join(out, 'dev/null'));
  t.true(devnull.isCharacterDevice());
  t.is(devnull.rdev, (1 << 8) | 3);
  t.true(fs.lstatSync(path.join(out, 'dev/loop0')).isBlockDevice());
  t.true(fs.lstatSync(path.join(out, 'run/fifo')).isFIFO());
});

for (const format of ['posix', 'gnu'] as const) {
  test(`the parser reads GNU tar --format=${format}: uid 3000000, long names${format === 'posix' ? ', binary capability' : ''}`, async (t) => {
    const dir = tempDir(t);
    const src = path.join(dir, 'src');
    const name = `${'long-directory-name/'.repeat(8)}file-ü`;
    fs.mkdirSync(path.dirname(path.join(src, name)), { recursive: true });
    fs.writeFileSync(path.join(src, name), 'payload');
    fs.symlinkSync('x'.repeat(150), path.join(src, 'sym'));
    if (format === 'posix') setXattr(path.join(src, 'sym'), 'trusted.k', capability);
    const file = path.join(dir, 'g.tar');
    execFileSync('tar', [`--format=${format}`, '--xattrs', '--xattrs-include=*', '--numeric-owner', '--owner=3000000', '--group=3000001', '--mtime=@1600000000', '-cf', file, '-C', src, '.']);
    const parsed = await readAll(fs.readFileSync(file));
    const entry = parsed.find((e) => e.header.name === `./${name}`);
    t.truthy(entry, parsed.map((e) => e.header.name).join(', '));
    t.is(entry!.header.uid, 3000000);
    t.is(entry!.header.gid, 3000001);
    t.is(Math.floor(entry!.header.mtime), 1600000000);
    t.is(entry!.data.toString(), 'payload');
    const sym = parsed.find((e) => e.header.name === './sym')!;
    t.is(sym.header.linkname, 'x'.repeat(150));
    if (format === 'posix') t.deepEqual(sym.header.xattrs?.get('trusted.k'), capability);
  });
}

test('GNU sparse entries are refused instead of extracted as their sparse map', async (t) => {
  const dir = tempDir(t);
  const sparse = path.join(dir, 'sparse');
  const fd = fs.openSync(sparse, 'w');
  fs.writeSync(fd, 'end', 4 * 1024 * 1024);
  fs.closeSync(fd);
  const file = path.join(dir, 's.tar');
  execFileSync('tar', ['--format=posix', '--sparse', '-cf', file, '-C', dir, 'sparse']);
  await t.throwsAsync(readAll(fs.readFileSync(file)), { code: 'Unsupported' });
});
