import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { contextIgnorePatterns, syncLocalContext } from '@kiln/source';
import { listTree, openTestRoot, tempDir } from './helpers.ts';

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [name, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), body);
  }
}

test('the context ref holds exactly the selected files, symlinks as symlinks', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const ctx = tempDir(t);
  writeTree(ctx, { 'src/app.js': 'a', 'src/app.test.js': 't', 'node_modules/x/index.js': 'x', 'README.md': 'r', '.dockerignore': 'node_modules\n*.md\n**/*.test.js\n' });
  fs.symlinkSync('/etc/passwd', path.join(ctx, 'escape'));
  const { patterns } = await contextIgnorePatterns(ctx);
  const { ref } = await syncLocalContext({ cache: r.cache, db: r.contentRoot.db, dir: ctx, excludePatterns: patterns });
  const view = await ref.mount();
  t.deepEqual(await listTree(view.mounts), ['.dockerignore', 'escape@/etc/passwd', 'src', 'src/app.js']);
  await view.release();
  await t.throwsAsync(r.cache.checksum(ref, ['escape'], { followSymlinks: true }), { message: /not found/ }, 'a link is resolved inside the context only');
  await ref.release();
});

test('include patterns select COPY sources only', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const ctx = tempDir(t);
  writeTree(ctx, { 'a/one': '1', 'a/two': '2', 'b/three': '3' });
  const { ref } = await syncLocalContext({ cache: r.cache, db: r.contentRoot.db, dir: ctx, includePatterns: ['a/one'] });
  const view = await ref.mount();
  t.deepEqual(await listTree(view.mounts), ['a', 'a/one']);
  await view.release();
  await ref.release();
});

test('a warm sync stats without reading, reuses an unchanged snapshot and copies only changed files', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const ctx = tempDir(t);
  const files: Record<string, string> = {};
  for (let i = 0; i < 50; i++) files[`d${i % 5}/f${i}`] = `content ${i}`;
  writeTree(ctx, files);
  const cold = await syncLocalContext({ cache: r.cache, db: r.contentRoot.db, dir: ctx });
  t.is(cold.copied, 50);
  const sum1 = await r.cache.checksum(cold.ref, ['d1']);
  const reads = r.cache.stats.filesRead;
  t.is(reads, 50);
  const warm = await syncLocalContext({ cache: r.cache, db: r.contentRoot.db, dir: ctx });
  t.true(warm.reused);
  t.is(warm.ref.id, cold.ref.id);
  t.is(r.cache.stats.filesRead, reads, 'nothing read');
  fs.writeFileSync(path.join(ctx, 'd1/f1'), 'changed');
  const changed = await syncLocalContext({ cache: r.cache, db: r.contentRoot.db, dir: ctx });
  t.false(changed.reused);
  t.is(changed.copied, 1, 'the other 49 are linked from the previous snapshot');
  t.is(r.cache.stats.filesRead, reads + 1);
  const sum2 = await r.cache.checksum(changed.ref, ['d1']);
  t.not(sum2.digest, sum1.digest);
  t.deepEqual(Object.keys(sum2.files ?? {}).filter((p) => sum2.files![p] !== sum1.files![p]), ['d1/f1'], 'the changed file is named');
  t.is((await r.cache.checksum(changed.ref, ['d2'])).digest, (await r.cache.checksum(cold.ref, ['d2'])).digest, 'untouched dirs keep their checksum');
  t.is(r.cache.stats.filesRead, reads + 1, 'checksums of context refs read nothing');
  await Promise.all([cold.ref.release(), warm.ref.release(), changed.ref.release()]);
});

test('a missing context is NotFound', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  await t.throwsAsync(syncLocalContext({ cache: r.cache, db: r.contentRoot.db, dir: '/nonexistent/ctx' }), { message: /not found/ });
});
