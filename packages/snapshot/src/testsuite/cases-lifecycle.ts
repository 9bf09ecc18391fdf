import fs from 'node:fs';
import path from 'node:path';
import type { SnapshotInfo } from '../snapshotter.js';
import { commitLayer, describeTree, expectCode, type CaseContext } from './harness.js';

async function collect(iterable: AsyncIterable<SnapshotInfo>): Promise<SnapshotInfo[]> {
  const out: SnapshotInfo[] = [];
  for await (const info of iterable) out.push(info);
  return out;
}

/** Lifecycle cases: prepare, commit, mounts, labels, walk, sharing, removal, cleanup. */
export const lifecycleCases: ReadonlyArray<readonly [string, (ctx: CaseContext) => Promise<void>]> = [
  ['prepare on nothing gives an empty writable tree, and stat says active without parent', async (ctx) => {
    const { t, sn } = ctx;
    const mounts = await sn.prepare('a');
    await ctx.mounted(mounts, (dir) => {
      t.deepEqual(fs.readdirSync(dir), []);
      fs.writeFileSync(path.join(dir, 'hello'), 'world');
      t.is(fs.readFileSync(path.join(dir, 'hello'), 'utf8'), 'world');
    });
    const info = await sn.stat('a');
    t.is(info.kind, 'active');
    t.is(info.name, 'a');
    t.is(info.parent, undefined);
    t.true(info.created instanceof Date && info.created.getTime() <= Date.now());
  }],

  ['commit makes a committed name and the key stops existing', async (ctx) => {
    const { t, sn } = ctx;
    await commitLayer(ctx, 'base', undefined, (dir) => fs.writeFileSync(path.join(dir, 'f'), '1'));
    t.is((await sn.stat('base')).kind, 'committed');
    await expectCode(t, sn.stat('base-active'), 'NotFound', 'stat of the committed key');
    await ctx.mounted(await sn.view('v', 'base'), (dir) => t.is(fs.readFileSync(path.join(dir, 'f'), 'utf8'), '1'));
  }],

  ['mounts(key) repeats what prepare and view gave; a committed snapshot has none (FailedPrecondition)', async (ctx) => {
    const { t, sn } = ctx;
    await commitLayer(ctx, 'base', undefined, () => {});
    const prepared = await sn.prepare('a', 'base');
    t.deepEqual(await sn.mounts('a'), prepared);
    const viewed = await sn.view('v', 'base');
    t.deepEqual(await sn.mounts('v'), viewed);
    await expectCode(t, sn.mounts('base'), 'FailedPrecondition', 'mounts of a committed snapshot');
  }],

  ['labels given at prepare are kept, and labels given at commit replace them', async (ctx) => {
    const { t, sn } = ctx;
    await sn.prepare('a', undefined, { labels: { 'kiln.gc.root': 'yes', x: '1' } });
    t.deepEqual((await sn.stat('a')).labels, { 'kiln.gc.root': 'yes', x: '1' });
    await sn.commit('c', 'a', { labels: { layer: 'sha256:00' } });
    t.deepEqual((await sn.stat('c')).labels, { layer: 'sha256:00' });
    await sn.prepare('b', undefined, { labels: { keep: 'me' } });
    await sn.commit('d', 'b');
    t.deepEqual((await sn.stat('d')).labels, { keep: 'me' });
  }],

  ['walk lists every snapshot with its kind and parent, in creation order', async (ctx) => {
    const { t, sn } = ctx;
    await commitLayer(ctx, 'base', undefined, () => {});
    await commitLayer(ctx, 'mid', 'base', () => {});
    await sn.prepare('work', 'mid');
    await sn.view('look', 'base');
    const all = (await collect(sn.walk())).map((i) => [i.name, i.kind, i.parent ?? '-']);
    t.deepEqual(all, [['base', 'committed', '-'], ['mid', 'committed', 'base'], ['work', 'active', 'mid'], ['look', 'view', 'base']]);
  }],

  ['two snapshotters on one root and database see each other\'s changes', async (ctx) => {
    const { t, sn } = ctx;
    const other = await ctx.reopen();
    await commitLayer(ctx, 'base', undefined, (dir) => fs.writeFileSync(path.join(dir, 'f'), 'shared'));
    t.is((await other.stat('base')).kind, 'committed');
    await ctx.mounted(await other.prepare('o', 'base'), (dir) => t.is(fs.readFileSync(path.join(dir, 'f'), 'utf8'), 'shared'));
    await expectCode(t, sn.prepare('o'), 'AlreadyExists', 'a key taken through the other snapshotter');
    await other.remove('o');
    await expectCode(t, sn.stat('o'), 'NotFound', 'a key removed through the other snapshotter');
  }],

  ['removing active snapshots, views and committed ones leaves no snapshot directory behind', async (ctx) => {
    const { t, sn, root } = ctx;
    await commitLayer(ctx, 'base', undefined, (dir) => fs.writeFileSync(path.join(dir, 'big'), Buffer.alloc(65536)));
    await commitLayer(ctx, 'top', 'base', (dir) => fs.writeFileSync(path.join(dir, 'small'), 's'));
    await sn.prepare('a', 'top');
    await sn.view('v', 'top');
    for (const name of ['a', 'v', 'top', 'base']) await sn.remove(name);
    t.deepEqual(await collect(sn.walk()), []);
    t.deepEqual(fs.readdirSync(path.join(root, 'snapshots')), []);
  }],

  ['cleanup deletes directories no snapshot owns and keeps the rest', async (ctx) => {
    const { t, sn, root } = ctx;
    await commitLayer(ctx, 'base', undefined, (dir) => {
      fs.writeFileSync(path.join(dir, 'f'), 'kept');
      fs.chmodSync(path.join(dir, 'f'), 0o644);
    });
    fs.mkdirSync(path.join(root, 'snapshots', '987654', 'fs'), { recursive: true });
    fs.mkdirSync(path.join(root, 'snapshots', 'rm-1234'));
    t.is(await sn.cleanup(), 2);
    t.is(await sn.cleanup(), 0);
    await ctx.mounted(await sn.view('v', 'base'), (dir) => t.deepEqual(describeTree(dir), { f: 'file 644 0:0 kept' }));
  }],
];
