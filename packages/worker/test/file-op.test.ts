// The file, merge and source ops through the real cache manager: COPY from
// another ref with --chown names from the destination, WORKDIR, heredoc
// files, chained actions, COPY --link's merge, and sources through a resolver.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import type { ImmutableRef } from '@kiln/cache';
import type { FileAction, FileOp, SourceOp } from '@kiln/llb';
import type { Result } from '@kiln/solver';
import type { SourceResolver } from '@kiln/worker';
import { copyOf } from './support/tree.ts';
import { activeSnapshots, opContext, openWorkerRoot, readRef, strayMounts, strayTempDirs, vertexOf, withTree, type WorkerRoot } from './support/worker-root.ts';

let root: WorkerRoot;
let context: ImmutableRef;
test.before(async () => {
  root = await openWorkerRoot();
  const m = await root.cache.newMutable(undefined);
  await withTree(m.mounts, (dir) => {
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src/app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dir, 'README'), 'readme');
    fs.symlinkSync('app.js', path.join(dir, 'src/link.js'));
  });
  context = await m.commit();
});
test.after.always(async () => {
  await context?.release();
  await root?.close();
});
test.afterEach.always(async (t) => {
  t.deepEqual(await activeSnapshots(root), [], 'no active snapshots remain');
  t.deepEqual(strayMounts(root), [], 'no mounts remain');
  t.deepEqual(strayTempDirs(root), [], 'no temporary directories remain');
});

async function runFile(actions: FileAction[], inputs: Result[]) {
  const op: FileOp = { type: 'file', actions };
  const results = await root.worker().resolve(vertexOf(op, inputs.length), { vertices: [], root: undefined }).exec(inputs, opContext());
  return results;
}

test.serial('COPY from another ref with --chown names resolved in the destination', async (t) => {
  const [out] = await runFile([{ input: 0, secondaryInput: 1, output: 0, action: copyOf('src', '/app/', { owner: { user: { name: 'user' } } }) }], [root.busybox, context]);
  await readRef(out!, (dir) => {
    const st = fs.statSync(path.join(dir, 'app/app.js'));
    t.deepEqual([st.uid, st.gid], [1000, 1000]);
    t.is(fs.readlinkSync(path.join(dir, 'app/link.js')), 'app.js');
    t.true(fs.existsSync(path.join(dir, 'bin/busybox')), 'on top of the base');
  });
  await out!.release();
});

test.serial('COPY of a context into a new directory hard-links its files; the base, later actions and the context stay intact', async (t) => {
  const contextView = await context.mount();
  const contextDir = contextView.mounts[0]!.source;
  const source = fs.statSync(path.join(contextDir, 'src/app.js'));
  await contextView.release();
  const [out, chmodded] = await runFile(
    [
      { input: 0, secondaryInput: 1, output: 0, action: copyOf('.', '/usr/share/app/') },
      // A later action on the same tree: the tree was unmounted for the copy and is mounted again.
      { input: 0, secondaryInput: 1, output: 1, action: copyOf('src', '/opt/app/', { mode: '0600' }) },
    ],
    [root.busybox, context],
  );
  await readRef(out!, (dir) => {
    const st = fs.statSync(path.join(dir, 'usr/share/app/src/app.js'));
    t.is(st.ino, source.ino, 'the same inode as the context file: linked, not copied');
    t.deepEqual([st.uid, st.gid, st.mode & 0o7777, st.mtimeMs], [source.uid, source.gid, source.mode & 0o7777, source.mtimeMs]);
    t.is(fs.readlinkSync(path.join(dir, 'usr/share/app/src/link.js')), 'app.js');
    t.true(fs.existsSync(path.join(dir, 'usr/share/README')) === false && fs.existsSync(path.join(dir, 'usr/share/app/README')));
    t.true(fs.existsSync(path.join(dir, 'bin/busybox')), 'on top of the base');
  });
  await readRef(chmodded!, (dir) => {
    const st = fs.statSync(path.join(dir, 'opt/app/app.js'));
    t.not(st.ino, source.ino, '--chmod changes the mode: a copy');
    t.is(st.mode & 0o777, 0o600);
  });
  // A write on top (as a RUN would do) copies up: the context's file never changes.
  const next = await root.cache.newMutable(out as ImmutableRef);
  await withTree(next.mounts, (dir) => fs.appendFileSync(path.join(dir, 'usr/share/app/src/app.js'), '// changed'));
  await next.release();
  const after = await context.mount();
  t.is(fs.readFileSync(path.join(after.mounts[0]!.source, 'src/app.js'), 'utf8'), 'console.log(1)');
  await after.release();
  const layers = await (out as ImmutableRef).layers({ compression: 'uncompressed' });
  t.is(layers.length, 2, 'the base and the copy');
  await out!.release();
  await chmodded!.release();
});

test.serial('WORKDIR mkdir, heredoc mkfile and rm chain on one tree; only the output is committed', async (t) => {
  const [out] = await runFile(
    [
      { input: 0, secondaryInput: -1, output: -1, action: { kind: 'mkdir', path: '/work/dir', mode: 0o755, makeParents: true } },
      { input: 1, secondaryInput: -1, output: -1, action: { kind: 'mkfile', path: '/work/dir/hello.sh', mode: 0o755, data: '#!/bin/sh\necho hi\n' } },
      { input: 2, secondaryInput: -1, output: 0, action: { kind: 'rm', path: '/etc/group', allowNotFound: false, allowWildcard: false } },
    ],
    [root.busybox],
  );
  await readRef(out!, (dir) => {
    t.is(fs.readFileSync(path.join(dir, 'work/dir/hello.sh'), 'utf8'), '#!/bin/sh\necho hi\n');
    t.is(fs.statSync(path.join(dir, 'work/dir/hello.sh')).mode & 0o777, 0o755);
    t.false(fs.existsSync(path.join(dir, 'etc/group')));
  });
  await out!.release();
});

test.serial('COPY --link: a copy onto an empty tree merged over the base', async (t) => {
  const [copied] = await runFile([{ input: -1, secondaryInput: 0, output: 0, action: copyOf('README', '/doc/') }], [context]);
  const merged = await root.worker().resolve(vertexOf({ type: 'merge' }, 2), { vertices: [], root: undefined }).exec([root.busybox, copied!], opContext());
  await readRef(copied!, (dir) => t.deepEqual(fs.readdirSync(dir), ['doc']));
  await readRef(merged[0]!, (dir) => {
    t.is(fs.readFileSync(path.join(dir, 'doc/README'), 'utf8'), 'readme');
    t.true(fs.existsSync(path.join(dir, 'bin/busybox')));
  });
  await merged[0]!.release();
  await copied!.release();
});

test.serial('a failing action keeps nothing', async (t) => {
  await t.throwsAsync(runFile([{ input: 0, secondaryInput: 1, output: 0, action: copyOf('missing', '/x') }], [root.busybox, context]));
});

test.serial('the file cacheMap keys a copy source by content of its selectors and the destination by key', async (t) => {
  const op: FileOp = { type: 'file', actions: [{ input: 0, secondaryInput: 1, output: 0, action: copyOf('src/./app.js', '/app/') }] };
  const solverOp = root.worker().resolve(vertexOf(op, 2), { vertices: [], root: undefined });
  const map = await solverOp.cacheMap(opContext());
  t.deepEqual(map.deps, [{ contentBased: false, selectors: [] }, { contentBased: true, selectors: ['src/app.js'] }]);
  t.truthy(map.parts['copy src/./app.js → /app/']);
  const digest = await solverOp.contentDigest(context, ['src/app.js'], opContext());
  const again = await solverOp.contentDigest(context, ['src/app.js'], opContext());
  t.is(digest.digest, again.digest);
  const other = await solverOp.contentDigest(context, ['README'], opContext());
  t.not(digest.digest, other.digest);
});

test.serial('a source op resolves once, keys on the pin and hands out the ref; its own checksum is used', async (t) => {
  let resolves = 0;
  const resolver: SourceResolver = {
    async resolve(op) {
      resolves++;
      return {
        pin: `sha256:${'a'.repeat(64)}`,
        parts: { 'base image digest': `sha256:${'a'.repeat(64)}` },
        snapshot: async (ctx) => {
          ctx.progress('pull', `pulling ${op.identifier}`, 1, 1);
          return root.busybox.clone();
        },
        checksum: async (_ref, selectors) => ({ digest: `custom:${selectors.join(',')}` }),
      };
    },
  };
  const op: SourceOp = { type: 'source', identifier: 'docker-image://docker.io/library/busybox:latest', attrs: {} };
  const solverOp = root.worker({ sources: { 'docker-image': resolver } }).resolve(vertexOf(op), { vertices: [], root: undefined });
  const map = await solverOp.cacheMap(opContext());
  t.deepEqual(map.parts, { 'base image digest': `sha256:${'a'.repeat(64)}` });
  const ctx = opContext();
  const [ref] = await solverOp.exec([], ctx);
  t.is(resolves, 1);
  t.is(ref!.id, root.busybox.id);
  t.is(ctx.progressEvents.length, 1);
  t.deepEqual(await solverOp.contentDigest(ref!, ['x'], opContext()), { digest: 'custom:x' });
  await ref!.release();
  const missing = root.worker().resolve(vertexOf({ type: 'source', identifier: 'git://x', attrs: {} }), { vertices: [], root: undefined });
  await t.throwsAsync(missing.cacheMap(opContext()), { message: /no resolver for "git"/ });
});
