// The source resolvers over @kiln/source: the local context's pin follows its
// selected content, and the ref holds exactly the selected files.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import type { SourceOp } from '@kiln/llb';
import { localSourceResolver } from '@kiln/worker';
import { opContext, openWorkerRoot, readRef, vertexOf, activeSnapshots, type WorkerRoot } from './support/worker-root.ts';

let root: WorkerRoot;
test.before(async () => {
  root = await openWorkerRoot();
});
test.after.always(async () => {
  await root?.close();
});

test.serial('a local context pins to its selected content and its ref holds the selected files only', async (t) => {
  const dir = path.join(root.tmp, 'ctx');
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'src/app.js'), 'v1');
  fs.writeFileSync(path.join(dir, 'secret.key'), 'k');
  fs.writeFileSync(path.join(dir, 'other.txt'), 'o');
  const resolver = localSourceResolver(root.cache, root.contentRoot.db, { context: dir });
  const op: SourceOp = { type: 'source', identifier: 'local://context', attrs: { 'local.excludepatterns': '["*.key"]', 'local.includepattern': '["src","secret.key"]' } };
  const worker = root.worker({ sources: { local: resolver } });
  const map1 = await worker.resolve(vertexOf(op), { vertices: [], root: undefined }).cacheMap(opContext());
  const map2 = await worker.resolve(vertexOf(op), { vertices: [], root: undefined }).cacheMap(opContext());
  t.is(map1.digest, map2.digest, 'unchanged context, same key');
  fs.writeFileSync(path.join(dir, 'other.txt'), 'not selected');
  const map3 = await worker.resolve(vertexOf(op), { vertices: [], root: undefined }).cacheMap(opContext());
  t.is(map3.digest, map1.digest, 'a change outside the selection does not matter');
  fs.writeFileSync(path.join(dir, 'src/app.js'), 'v2');
  const solverOp = worker.resolve(vertexOf(op), { vertices: [], root: undefined });
  const map4 = await solverOp.cacheMap(opContext());
  t.not(map4.digest, map1.digest);
  const [ref] = await solverOp.exec([], opContext());
  await readRef(ref!, (tree) => {
    t.deepEqual(fs.readdirSync(tree).sort(), ['src']);
    t.is(fs.readFileSync(path.join(tree, 'src/app.js'), 'utf8'), 'v2');
  });
  await ref!.release();
  t.deepEqual(await activeSnapshots(root), []);
});

test.serial('an unknown local context name is NotFound', async (t) => {
  const resolver = localSourceResolver(root.cache, root.contentRoot.db, {});
  const op: SourceOp = { type: 'source', identifier: 'local://nope', attrs: {} };
  await t.throwsAsync(root.worker({ sources: { local: resolver } }).resolve(vertexOf(op), { vertices: [], root: undefined }).cacheMap(opContext()), { message: /nope/ });
});
