import { commitLayer, expectCode, type CaseContext } from './harness.js';

/** Error cases: each failure has its kiln error code, and a refused call changes nothing. */
export const errorCases: ReadonlyArray<readonly [string, (ctx: CaseContext) => Promise<void>]> = [
  ['keys and names share one namespace: a key or name in use is AlreadyExists', async (ctx) => {
    const { t, sn } = ctx;
    await commitLayer(ctx, 'base', undefined, () => {});
    await sn.prepare('a', 'base');
    await expectCode(t, sn.prepare('a'), 'AlreadyExists', 'prepare with an active key');
    await expectCode(t, sn.view('a', 'base'), 'AlreadyExists', 'view with an active key');
    await expectCode(t, sn.prepare('base'), 'AlreadyExists', 'prepare with a committed name');
    await sn.prepare('b');
    await expectCode(t, sn.commit('base', 'b'), 'AlreadyExists', 'commit to a committed name');
    await expectCode(t, sn.commit('a', 'b'), 'AlreadyExists', 'commit to an active key');
    t.is((await sn.stat('b')).kind, 'active', 'the refused commit left the snapshot active');
  }],

  ['an unknown key, name or parent is NotFound', async (ctx) => {
    const { t, sn } = ctx;
    await expectCode(t, sn.stat('nope'), 'NotFound', 'stat');
    await expectCode(t, sn.usage('nope'), 'NotFound', 'usage');
    await expectCode(t, sn.mounts('nope'), 'NotFound', 'mounts');
    await expectCode(t, sn.remove('nope'), 'NotFound', 'remove');
    await expectCode(t, sn.commit('n', 'nope'), 'NotFound', 'commit');
    await expectCode(t, sn.prepare('a', 'nope'), 'NotFound', 'prepare on a missing parent');
    await expectCode(t, sn.view('v', 'nope'), 'NotFound', 'view of a missing parent');
    await expectCode(t, sn.stat('a'), 'NotFound', 'the refused prepare created nothing');
  }],

  ['a parent that is not committed, and an empty key or name, are InvalidArgument', async (ctx) => {
    const { t, sn } = ctx;
    await sn.prepare('a');
    await sn.view('v');
    await expectCode(t, sn.prepare('b', 'a'), 'InvalidArgument', 'prepare on an active parent');
    await expectCode(t, sn.view('w', 'v'), 'InvalidArgument', 'view of a view');
    await expectCode(t, sn.prepare(''), 'InvalidArgument', 'empty key');
    await expectCode(t, sn.commit('', 'a'), 'InvalidArgument', 'empty name');
  }],

  ['committing a view is FailedPrecondition', async (ctx) => {
    const { t, sn } = ctx;
    await sn.view('v');
    await expectCode(t, sn.commit('c', 'v'), 'FailedPrecondition', 'commit of a view');
    t.is((await sn.stat('v')).kind, 'view');
  }],

  ['removing a snapshot with children is FailedPrecondition until the children are gone', async (ctx) => {
    const { t, sn } = ctx;
    await commitLayer(ctx, 'base', undefined, () => {});
    await commitLayer(ctx, 'mid', 'base', () => {});
    await sn.view('v', 'mid');
    await expectCode(t, sn.remove('base'), 'FailedPrecondition', 'remove of a parent of a committed child');
    await expectCode(t, sn.remove('mid'), 'FailedPrecondition', 'remove of a parent of a view');
    await sn.remove('v');
    await sn.remove('mid');
    await sn.remove('base');
    await expectCode(t, sn.stat('base'), 'NotFound', 'stat after removal');
  }],
];
