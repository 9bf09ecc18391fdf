import test from 'ava';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { openTestRoot } from './helpers.ts';

test('shared users get one directory at once, created with the init mode and owner', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const a = await r.cache.cacheMount('/root/.npm', 'shared', { mode: 0o700, uid: 1000, gid: 1001 });
  const b = await r.cache.cacheMount('/root/.npm', 'shared');
  t.is(a.path, b.path);
  const st = fs.statSync(a.path);
  t.is(st.mode & 0o7777, 0o700);
  t.deepEqual([st.uid, st.gid], [1000, 1001]);
  t.true(a.path.startsWith(`${r.root}/cache-mounts/`));
  fs.writeFileSync(`${a.path}/kept`, '1');
  await Promise.all([a.release(), b.release()]);
  const c = await r.cache.cacheMount('/root/.npm', 'shared');
  t.true(fs.existsSync(`${c.path}/kept`), 'contents persist across uses');
  await c.release();
});

test('locked waits for the holder; private hands a busy id a directory of its own', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const first = await r.cache.cacheMount('id', 'locked');
  let entered = false;
  const second = r.cache.cacheMount('id', 'locked').then((h) => ((entered = true), h));
  await sleep(150);
  t.false(entered, 'the second locked user waits');
  const priv = await r.cache.cacheMount('id', 'private');
  t.not(priv.path, first.path);
  await first.release();
  const h = await second;
  t.is(h.path, first.path);
  await h.release();
  await priv.release();
  const again = await r.cache.cacheMount('id', 'private');
  t.is(again.path, first.path, 'a free private id gets the main directory');
  await again.release();
});

test('a dead holder blocks nobody', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const h = await r.cache.cacheMount('x', 'locked');
  // Pretend the holder was a process that has exited (pid 2^22 + 1 is above pid_max's default).
  r.contentRoot.db.prepare("UPDATE cache_mount_holds SET owner = '4194305.1'").run();
  const next = await r.cache.cacheMount('x', 'locked');
  t.is(next.path, h.path);
  await next.release();
  await h.release();
});
