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

test('the context snapshot is owned by root whoever owns the files, as BuildKit resets uid and gid', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const ctx = tempDir(t);
  writeTree(ctx, { 'src/app.js': 'a' });
  fs.symlinkSync('app.js', path.join(ctx, 'src/link'));
  for (const p of ['', 'src', 'src/app.js']) fs.chownSync(path.join(ctx, p), 1000, 1001);
  fs.lchownSync(path.join(ctx, 'src/link'), 1000, 1001);
  const { ref } = await syncLocalContext({ cache: r.cache, db: r.contentRoot.db, dir: ctx });
  const view = await ref.mount();
  const dir = view.mounts[0]!.source;
  for (const p of ['', 'src', 'src/app.js', 'src/link']) {
    const st = fs.lstatSync(path.join(dir, p));
    t.deepEqual([st.uid, st.gid], [0, 0], `${p || '.'} is 0:0`);
  }
  await view.release();
  // The index says 0:0 too, so a context owned by someone else has the checksum of one owned by root.
  const rootOwned = tempDir(t);
  writeTree(rootOwned, { 'src/app.js': 'a' });
  fs.symlinkSync('app.js', path.join(rootOwned, 'src/link'));
  const other = await syncLocalContext({ cache: r.cache, db: r.contentRoot.db, dir: rootOwned });
  t.is((await r.cache.checksum(ref, ['src'])).digest, (await r.cache.checksum(other.ref, ['src'])).digest);
  await Promise.all([ref.release(), other.ref.release()]);
});

test('an unchanged context is recognised from its stamps alone; a touched file is hashed, an edited one recopied', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const ctx = tempDir(t);
  writeTree(ctx, { 'a/one': '1', 'a/two': '2' });
  const cold = await syncLocalContext({ cache: r.cache, db: r.contentRoot.db, dir: ctx });
  const hits = r.cache.stats.fingerprintHits;
  const warm = await syncLocalContext({ cache: r.cache, db: r.contentRoot.db, dir: ctx });
  t.true(warm.reused);
  t.is(r.cache.stats.fingerprintHits, hits, 'not even the fingerprint table was asked');
  // New times, same bytes: the stamps differ, the tree does not, so the snapshot is kept.
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(path.join(ctx, 'a/one'), later, later);
  const touched = await syncLocalContext({ cache: r.cache, db: r.contentRoot.db, dir: ctx });
  t.true(touched.reused);
  t.is(touched.ref.id, cold.ref.id);
  const again = await syncLocalContext({ cache: r.cache, db: r.contentRoot.db, dir: ctx });
  t.true(again.reused);
  t.is(r.cache.stats.filesRead, 3, 'two files hashed cold, the touched one once more');
  fs.writeFileSync(path.join(ctx, 'a/two'), '22');
  const edited = await syncLocalContext({ cache: r.cache, db: r.contentRoot.db, dir: ctx });
  t.false(edited.reused);
  t.is(edited.copied, 1);
  await Promise.all([cold.ref.release(), warm.ref.release(), touched.ref.release(), again.ref.release(), edited.ref.release()]);
});
