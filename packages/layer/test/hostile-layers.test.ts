import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { apply, encodeTar, type TarHeader, type TarInput } from '@kiln/layer';
import { tempDir } from './support/tmp.ts';

const file = (name: string, body = 'pwned', extra: Partial<TarHeader> = {}): TarInput => ({
  header: { name, type: 'file', mode: 0o644, uid: 0, gid: 0, size: Buffer.byteLength(body), mtime: 0, ...extra },
  body: Buffer.from(body),
});
const entry = (name: string, type: TarHeader['type'], extra: Partial<TarHeader> = {}): TarInput => ({
  header: { name, type, mode: 0o777, uid: 0, gid: 0, size: 0, mtime: 0, ...extra },
});

/**
 * Each case is a layer that tries to reach outside its root. `outcome` says
 * whether apply must refuse it, or may succeed by keeping the write inside.
 */
const cases: Array<{ title: string; entries: (outside: string) => TarInput[]; outcome: 'rejected' | 'confined'; inside?: string }> = [
  { title: '"../" entry', entries: () => [file('../canary')], outcome: 'rejected' },
  { title: 'nested "a/../../" entry', entries: () => [file('a/../../canary')], outcome: 'rejected' },
  { title: 'absolute path entry', entries: (o) => [file(`${o}/canary`)], outcome: 'confined', inside: 'OUTSIDE/canary' },
  { title: 'symlink to the outside dir, then a file through it', entries: (o) => [entry('link', 'symlink', { linkname: o }), file('link/canary')], outcome: 'confined', inside: 'OUTSIDE/canary' },
  { title: 'relative symlink climbing out, then a file through it', entries: () => [entry('link', 'symlink', { linkname: '../../../../../..' }), file('link/canary')], outcome: 'confined', inside: 'canary' },
  { title: 'symlink chain out of the root', entries: (o) => [entry('a', 'symlink', { linkname: 'b/..' }), entry('b', 'symlink', { linkname: o }), file('a/x/canary')], outcome: 'confined' },
  { title: 'symlink at the canary name, then a file over it', entries: (o) => [entry('c', 'symlink', { linkname: `${o}/canary` }), file('c')], outcome: 'confined', inside: 'c' },
  { title: 'hardlink to a file outside (absolute)', entries: (o) => [entry('h', 'hardlink', { linkname: `${o}/canary` })], outcome: 'rejected' },
  { title: 'hardlink to a file outside (../)', entries: () => [entry('h', 'hardlink', { linkname: '../canary' })], outcome: 'rejected' },
  { title: 'hardlink through a symlink pointing outside', entries: (o) => [entry('s', 'symlink', { linkname: o }), entry('h', 'hardlink', { linkname: 's/canary' })], outcome: 'rejected' },
  { title: 'whiteout of "../canary"', entries: () => [file('.wh...', '')], outcome: 'rejected' },
  { title: 'whiteout through a symlink pointing outside', entries: (o) => [entry('s', 'symlink', { linkname: o }), file('s/.wh.canary', '')], outcome: 'confined' },
  { title: 'opaque marker through a symlink pointing outside', entries: (o) => [entry('s', 'symlink', { linkname: o }), file('s/.wh..wh..opq', '')], outcome: 'confined' },
  { title: 'device node replacing the root', entries: () => [entry('.', 'char', { devmajor: 1, devminor: 3 })], outcome: 'rejected' },
  { title: 'device node through a symlink pointing outside', entries: (o) => [entry('s', 'symlink', { linkname: o }), entry('s/canary', 'block', { devmajor: 8, devminor: 0 })], outcome: 'confined' },
  { title: 'file replacing the root', entries: () => [file('/')], outcome: 'rejected' },
  { title: 'xattr that would redirect overlayfs', entries: () => [file('x', 'x', { xattrs: new Map([['trusted.overlay.redirect', Buffer.from('/../../')]]) })], outcome: 'confined' },
  { title: 'whiteout in a directory component', entries: () => [file('.wh.a/b')], outcome: 'rejected' },
];

for (const c of cases) {
  test(`hostile layer never touches the outside: ${c.title}`, async (t) => {
    const base = tempDir(t, 'hostile');
    const outside = path.join(base, 'outside');
    const root = path.join(base, 'root');
    fs.mkdirSync(outside);
    fs.mkdirSync(path.join(root, 'a'), { recursive: true });
    const canary = path.join(outside, 'canary');
    fs.writeFileSync(canary, 'canary');
    fs.writeFileSync(path.join(base, 'canary'), 'canary');
    fs.utimesSync(canary, 1000, 1000);
    const before = fs.readdirSync(base).sort();
    const entries = c.entries(outside).map((e) => ({ ...e, header: { ...e.header, name: e.header.name.replace('OUTSIDE', outside) } }));
    const run = apply(encodeTar(entries), root);
    if (c.outcome === 'rejected') await t.throwsAsync(run, { code: 'InvalidArgument' });
    else await run;
    t.is(fs.readFileSync(canary, 'utf8'), 'canary');
    t.is(fs.lstatSync(canary).mtimeMs, 1000000);
    t.true(fs.lstatSync(canary).isFile());
    t.is(fs.lstatSync(canary).nlink, 1);
    t.deepEqual(fs.readdirSync(outside), ['canary']);
    t.is(fs.readFileSync(path.join(base, 'canary'), 'utf8'), 'canary');
    t.deepEqual(fs.readdirSync(base).sort(), before);
    if (c.inside !== undefined) t.true(fs.existsSync(path.join(root, c.inside.replace('OUTSIDE', outside))), `written inside as ${c.inside}`);
  });
}

test('a file replacing a directory and a directory replacing a file follow the image spec', async (t) => {
  const root = tempDir(t, 'replace');
  fs.mkdirSync(path.join(root, 'd/sub'), { recursive: true });
  fs.writeFileSync(path.join(root, 'd/sub/f'), 'x');
  fs.writeFileSync(path.join(root, 'f'), 'x');
  fs.mkdirSync(path.join(root, 'keep'));
  fs.writeFileSync(path.join(root, 'keep/old'), 'old');
  await apply(encodeTar([file('d', 'file now'), entry('f', 'directory', { mode: 0o700 }), entry('keep', 'directory', { mode: 0o711, uid: 5 })]), root);
  t.is(fs.readFileSync(path.join(root, 'd'), 'utf8'), 'file now');
  t.true(fs.lstatSync(path.join(root, 'f')).isDirectory());
  const keep = fs.lstatSync(path.join(root, 'keep'));
  t.is(keep.mode & 0o777, 0o711, 'directory over directory: attributes replaced');
  t.is(keep.uid, 5);
  t.is(fs.readFileSync(path.join(root, 'keep/old'), 'utf8'), 'old', 'directory over directory: contents merged');
});

test('an opaque marker hides older contents wherever it comes, and keeps this layer\'s own', async (t) => {
  const root = tempDir(t, 'opaque');
  fs.mkdirSync(path.join(root, 'a/b/c'), { recursive: true });
  fs.writeFileSync(path.join(root, 'a/b/c/bar'), 'old');
  fs.writeFileSync(path.join(root, 'a/old'), 'old');
  await apply(encodeTar([entry('a', 'directory', { mode: 0o755 }), entry('a/b', 'directory', { mode: 0o755 }), entry('a/b/c', 'directory', { mode: 0o755 }), file('a/b/c/foo', 'new'), file('a/.wh..wh..opq', '')]), root);
  t.deepEqual(fs.readdirSync(path.join(root, 'a/b/c')), ['foo']);
  t.false(fs.existsSync(path.join(root, 'a/old')));
});

test('a whiteout removes only older layers\' files, not this layer\'s', async (t) => {
  const root = tempDir(t, 'wh');
  fs.writeFileSync(path.join(root, 'old'), 'old');
  await apply(encodeTar([file('new', 'mine'), file('.wh.new', ''), file('.wh.old', ''), file('.wh.missing', ''), file('nodir/.wh.x', '')]), root);
  t.is(fs.readFileSync(path.join(root, 'new'), 'utf8'), 'mine');
  t.false(fs.existsSync(path.join(root, 'old')));
  t.false(fs.existsSync(path.join(root, 'nodir')), 'a whiteout under a missing directory creates nothing');
});
