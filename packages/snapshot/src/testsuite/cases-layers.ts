import fs from 'node:fs';
import path from 'node:path';
import { FileType, lgetxattr, lsetxattr, mknod } from '@kiln/sys';
import { commitLayer, describeTree, expectReadOnly, writeFiles, type CaseContext } from './harness.js';

const read = (dir: string, name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');

/** Layer cases: parents show through, changes stay in the child, deletions hide, views refuse writes. */
export const layerCases: ReadonlyArray<readonly [string, (ctx: CaseContext) => Promise<void>]> = [
  ['a child sees its parent\'s files, and its changes do not reach the parent', async (ctx) => {
    const { t, sn } = ctx;
    await commitLayer(ctx, 'base', undefined, (dir) => writeFiles(dir, { 'etc/os': 'base', 'bin/': null }));
    await ctx.mounted(await sn.prepare('child', 'base'), (dir) => {
      t.is(read(dir, 'etc/os'), 'base');
      fs.writeFileSync(path.join(dir, 'etc/os'), 'changed');
      fs.writeFileSync(path.join(dir, 'bin/new'), 'new');
    });
    await ctx.mounted(await sn.view('look', 'base'), (dir) => {
      t.is(read(dir, 'etc/os'), 'base');
      t.false(fs.existsSync(path.join(dir, 'bin/new')));
    });
    await ctx.mounted(await sn.mounts('child'), (dir) => t.is(read(dir, 'bin/new'), 'new', 'the child keeps its changes across mounts'));
  }],

  ['a chain of three layers stacks newest first', async (ctx) => {
    const { t, sn } = ctx;
    await commitLayer(ctx, 'l1', undefined, (dir) => writeFiles(dir, { a: '1', b: '1', c: '1' }));
    await commitLayer(ctx, 'l2', 'l1', (dir) => writeFiles(dir, { b: '2', c: '2' }));
    await commitLayer(ctx, 'l3', 'l2', (dir) => writeFiles(dir, { c: '3', d: '3' }));
    t.is((await sn.stat('l3')).parent, 'l2');
    t.is((await sn.stat('l2')).parent, 'l1');
    for (const [key, make] of [['active', () => sn.prepare('top', 'l3')], ['view', () => sn.view('v', 'l3')]] as const) {
      await ctx.mounted(await make(), (dir) => t.deepEqual(['a', 'b', 'c', 'd'].map((n) => read(dir, n)), ['1', '2', '3', '3'], key));
    }
  }],

  ['deleting a lower file through a mount hides it in the child only', async (ctx) => {
    const { t, sn } = ctx;
    await commitLayer(ctx, 'base', undefined, (dir) => writeFiles(dir, { gone: 'x', kept: 'y', 'd/inner': 'z' }));
    await commitLayer(ctx, 'child', 'base', (dir) => {
      fs.unlinkSync(path.join(dir, 'gone'));
      fs.unlinkSync(path.join(dir, 'd/inner'));
      t.false(fs.existsSync(path.join(dir, 'gone')));
    });
    await ctx.mounted(await sn.view('vc', 'child'), (dir) => t.deepEqual(Object.keys(describeTree(dir)), ['d', 'kept']));
    await ctx.mounted(await sn.prepare('grandchild', 'child'), (dir) => t.deepEqual(Object.keys(describeTree(dir)), ['d', 'kept']));
    await ctx.mounted(await sn.view('vb', 'base'), (dir) => t.deepEqual(Object.keys(describeTree(dir)), ['d', 'd/inner', 'gone', 'kept']));
  }],

  ['a directory deleted and made again in a child hides the parent\'s entries (opaque)', async (ctx) => {
    const { t, sn } = ctx;
    await commitLayer(ctx, 'base', undefined, (dir) => writeFiles(dir, { 'app/old1': '1', 'app/sub/old2': '2' }));
    await commitLayer(ctx, 'child', 'base', (dir) => {
      fs.rmSync(path.join(dir, 'app'), { recursive: true });
      writeFiles(dir, { 'app/new': 'n' });
    });
    await ctx.mounted(await sn.view('v', 'child'), (dir) => t.deepEqual(fs.readdirSync(path.join(dir, 'app')), ['new']));
    await ctx.mounted(await sn.prepare('on-child', 'child'), (dir) => t.deepEqual(fs.readdirSync(path.join(dir, 'app')), ['new']));
  }],

  ['views are read-only: of nothing, of one parent and of a chain', async (ctx) => {
    const { t, sn } = ctx;
    await commitLayer(ctx, 'l1', undefined, (dir) => writeFiles(dir, { f: '1' }));
    await commitLayer(ctx, 'l2', 'l1', (dir) => writeFiles(dir, { g: '2' }));
    for (const [key, parent] of [['v0', undefined], ['v1', 'l1'], ['v2', 'l2']] as const) {
      await ctx.mounted(await sn.view(key, parent), (dir) => expectReadOnly(t, dir, `view ${key} of ${parent ?? 'nothing'}`));
    }
    await ctx.mounted(await sn.view('again', 'l2'), (dir) => t.deepEqual(fs.readdirSync(dir).sort(), ['f', 'g']));
  }],

  ['file metadata survives layers: modes, owners, times, symlinks, hard links, FIFOs, devices, xattrs', async (ctx) => {
    const { t, sn } = ctx;
    const xattr = Buffer.from([0x01, 0x00, 0x80, 0xff]);
    const when = new Date('2020-02-02T02:02:02Z');
    await commitLayer(ctx, 'base', undefined, (dir) => {
      writeFiles(dir, { 'bin/tool': '#!/bin/sh\n', 'home/user/': null, 'data': 'd' });
      fs.chmodSync(path.join(dir, 'bin/tool'), 0o4755);
      fs.chmodSync(path.join(dir, 'home/user'), 0o1770);
      fs.lchownSync(path.join(dir, 'home/user'), 1234, 5678);
      fs.lchownSync(path.join(dir, 'data'), 1000, 1000);
      fs.chmodSync(path.join(dir, 'data'), 0o640);
      fs.symlinkSync('../bin/tool', path.join(dir, 'home/link'));
      fs.linkSync(path.join(dir, 'data'), path.join(dir, 'data-link'));
      mknod(path.join(dir, 'fifo'), FileType.fifo | 0o600);
      mknod(path.join(dir, 'null'), FileType.characterDevice | 0o666, 1, 3);
      fs.chmodSync(path.join(dir, 'null'), 0o666);
      lsetxattr(path.join(dir, 'data'), 'user.kiln', xattr);
      fs.utimesSync(path.join(dir, 'data'), when, when);
    });
    let expected: Record<string, string> = {};
    await ctx.mounted(await sn.view('orig', 'base'), (dir) => (expected = describeTree(dir)));
    t.is(expected['bin/tool'], 'file 4755 0:0 #!/bin/sh\n');
    t.is(expected['home/user'], 'dir 1770 1234:5678');
    t.is(expected['null'], 'char 666 0:0 259');
    await commitLayer(ctx, 'child', 'base', (dir) => writeFiles(dir, { unrelated: 'u' }));
    await ctx.mounted(await sn.prepare('check', 'child'), (dir) => {
      t.deepEqual(describeTree(dir), { ...expected, unrelated: describeTree(dir)['unrelated'] ?? 'missing' });
      const a = fs.lstatSync(path.join(dir, 'data'));
      const b = fs.lstatSync(path.join(dir, 'data-link'));
      t.is(a.ino, b.ino, 'hard links stay one inode');
      t.is(a.nlink, 2);
      t.is(a.mtime.getTime(), when.getTime());
      t.deepEqual(lgetxattr(path.join(dir, 'data'), 'user.kiln'), xattr);
    });
  }],

  ['a chain of 120 layers mounts and shows every layer\'s file', async (ctx) => {
    const { t, sn } = ctx;
    const started = performance.now();
    let parent: string | undefined;
    for (let i = 0; i < 120; i++) {
      const name = `layer-${'n'.repeat(40)}-${i}`;
      await commitLayer(ctx, name, parent, (dir) => writeFiles(dir, { [`f${i}`]: String(i), top: String(i) }));
      parent = name;
    }
    const perLayer = (performance.now() - started) / 120;
    await ctx.mounted(await sn.prepare('top', parent), (dir) => {
      t.is(fs.readdirSync(dir).length, 121);
      t.is(read(dir, 'top'), '119');
      t.is(read(dir, 'f0'), '0');
    });
    t.log(`${sn.driver}: prepare+mount+write+unmount+commit ${perLayer.toFixed(1)} ms per layer over a 120-layer chain`);
  }],

  ['usage counts the bytes and inodes a snapshot adds, hard links once, and is fixed at commit', async (ctx) => {
    const { t, sn } = ctx;
    await commitLayer(ctx, 'base', undefined, (dir) => writeFiles(dir, { 'lib/a': 'a'.repeat(4096) }));
    await sn.prepare('a', 'base');
    const before = await sn.usage('a');
    await ctx.mounted(await sn.mounts('a'), (dir) => {
      fs.writeFileSync(path.join(dir, 'blob'), Buffer.alloc(256 * 1024, 1));
      fs.linkSync(path.join(dir, 'blob'), path.join(dir, 'blob-link'));
      fs.mkdirSync(path.join(dir, 'newdir'));
    });
    const after = await sn.usage('a');
    t.is(after.inodes - before.inodes, 2, 'one file (two links) and one directory');
    t.true(after.size - before.size >= 256 * 1024, `size grew by ${after.size - before.size} bytes`);
    t.true(after.size - before.size < 256 * 1024 + 64 * 1024, `size grew by ${after.size - before.size} bytes, the hard link counted once`);
    await sn.commit('c', 'a');
    t.deepEqual(await sn.usage('c'), after);
  }],
];
