import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeRef, openTestRoot } from './helpers.ts';

const tree = { 'src/app.js': 'console.log(1)', 'src/lib/util.js': 'u', 'README.md': 'r', 'link': { link: 'src/app.js' } };

test('checksum ignores mtimes but sees content, mode, owner and symlink targets', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const sum = async (tweak?: (dir: string) => void, files: Record<string, string | { link: string }> = tree) => {
    const ref = await makeRef(r.cache, files, undefined, tweak);
    const result = await r.cache.checksum(ref, ['/']);
    await ref.release();
    return result.digest;
  };
  const plain = await sum();
  t.is(await sum((d) => fs.utimesSync(path.join(d, 'src/app.js'), 1000, 1000)), plain, 'mtime only');
  t.not(await sum(undefined, { ...tree, 'src/app.js': 'console.log(2)' }), plain, 'content');
  t.not(await sum((d) => fs.chmodSync(path.join(d, 'src/app.js'), 0o755)), plain, 'mode');
  t.not(await sum((d) => fs.lchownSync(path.join(d, 'README.md'), 1000, 1000)), plain, 'owner');
  t.not(await sum(undefined, { ...tree, link: { link: 'src/lib/util.js' } }), plain, 'symlink target');
});

test('checksum selects paths and wildcards, follows symlinks inside the tree only, and names changed files', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const ref = await makeRef(r.cache, { ...tree, abs: { link: '/src/app.js' }, out: { link: '../../../etc/passwd' } });
  const app = await r.cache.checksum(ref, ['src/app.js']);
  t.deepEqual(Object.keys(app.files ?? {}), ['src/app.js']);
  t.is((await r.cache.checksum(ref, ['/src/../src/app.js'])).digest, app.digest, 'paths are cleaned');
  const viaLink = await r.cache.checksum(ref, ['abs'], { followSymlinks: true });
  t.deepEqual(Object.keys(viaLink.files ?? {}), ['src/app.js'], 'an absolute link resolves against the tree root');
  t.not((await r.cache.checksum(ref, ['abs'])).digest, viaLink.digest, 'without following, the link itself counts');
  await t.throwsAsync(r.cache.checksum(ref, ['out'], { followSymlinks: true }), { message: /"\/out": not found/ }, 'a link climbing out stays inside the tree');
  const wild = await r.cache.checksum(ref, ['src/*.js']);
  t.deepEqual(Object.keys(wild.files ?? {}), ['src/app.js']);
  const dir = await r.cache.checksum(ref, ['src'], { excludePatterns: ['lib'] });
  t.deepEqual(Object.keys(dir.files ?? {}), ['src/app.js']);
  t.deepEqual((await r.cache.checksum(ref, ['nothing*'])).files, {}, 'a wildcard matching nothing adds nothing');
  await t.throwsAsync(r.cache.checksum(ref, ['missing']), { message: /"\/missing": not found/ });
  await ref.release();
});

test('a ref is walked once; later checksums read nothing', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const ref = await makeRef(r.cache, tree);
  const first = await r.cache.checksum(ref, ['/']);
  const reads = r.cache.stats.filesRead;
  t.true(reads >= 3);
  const second = await r.cache.checksum(ref, ['/']);
  t.is(second.digest, first.digest);
  t.is(r.cache.stats.filesRead, reads);
  await ref.release();
});

test('the fingerprint table stats unchanged files instead of reading them; xxhash confirms touched ones', async (t) => {
  const r = await openTestRoot();
  t.teardown(() => r.close());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-cache-fp-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'f');
  fs.writeFileSync(file, 'x'.repeat(100_000));
  const entry = () => r.cache.entryOf(file, 'f', fs.lstatSync(file, { bigint: true }));
  const first = await entry();
  t.is(r.cache.stats.filesRead, 1);
  t.is((await entry()).digest, first.digest);
  t.is(r.cache.stats.filesRead, 1, 'unchanged: not read');
  t.is(r.cache.stats.fingerprintHits, 1);
  fs.utimesSync(file, 5, 5);
  t.is((await entry()).digest, first.digest, 'touched: same digest');
  t.is(r.cache.stats.xxhashConfirmed, 1, 'read once for xxh64, no sha256');
  fs.writeFileSync(file, 'y'.repeat(100_000));
  t.not((await entry()).digest, first.digest);
  t.is(r.cache.stats.xxhashConfirmed, 1);
});
