import test from 'ava';
import { cacheKey, cacheMissReasons, createAbortController, explainCacheMiss, type KeyParts } from '@kiln/solver';

const parts = (op: Record<string, string>, inputs: KeyParts['inputs']): KeyParts => ({ op, inputs });

test('a cache key depends on the op digest, each input key and output, and content digests', (t) => {
  const base = cacheKey('sha256:op', [{ key: 'sha256:in', output: 0 }, { content: 'sha256:c' }]);
  t.regex(base, /^sha256:[0-9a-f]{64}$/);
  t.is(cacheKey('sha256:op', [{ key: 'sha256:in', output: 0 }, { content: 'sha256:c' }]), base, 'stable');
  for (const other of [
    cacheKey('sha256:op2', [{ key: 'sha256:in', output: 0 }, { content: 'sha256:c' }]),
    cacheKey('sha256:op', [{ key: 'sha256:in2', output: 0 }, { content: 'sha256:c' }]),
    cacheKey('sha256:op', [{ key: 'sha256:in', output: 1 }, { content: 'sha256:c' }]),
    cacheKey('sha256:op', [{ key: 'sha256:in', output: 0 }, { content: 'sha256:d' }]),
    cacheKey('sha256:op', [{ content: 'sha256:c' }, { key: 'sha256:in', output: 0 }]),
  ]) t.not(other, base);
});

test('op parts that changed, appeared or disappeared are named', (t) => {
  t.deepEqual(
    cacheMissReasons(parts({ command: 'make', 'env VERSION': '2', 'env NEW': 'x' }, []), parts({ command: 'make', 'env VERSION': '1', 'env OLD': 'y' }, [])),
    ['env VERSION changed', 'env NEW added', 'env OLD removed'],
  );
  t.is(explainCacheMiss(parts({ 'build-arg VERSION': '2' }, []), parts({ 'build-arg VERSION': '1' }, [])), 'build-arg VERSION changed');
});

test('an input whose key changed is named by its producer when known', (t) => {
  const now = parts({}, [{ key: 'k2' }, { key: 'same' }]);
  const before = parts({}, [{ key: 'k1' }, { key: 'same' }]);
  t.deepEqual(cacheMissReasons(now, before, ['[build 2/4] COPY . .']), ['input 0 ([build 2/4] COPY . .) changed']);
  t.deepEqual(cacheMissReasons(now, before), ['input 0 changed']);
});

test('content changes list up to three paths, then count the rest', (t) => {
  const files = (entries: Record<string, string>) => ({ content: { digest: JSON.stringify(entries), files: entries } });
  t.deepEqual(cacheMissReasons(parts({}, [files({ 'src/app.js': 'b', 'src/x.js': 'x' })]), parts({}, [files({ 'src/app.js': 'a', 'src/x.js': 'x' })])), ['src/app.js changed']);
  t.deepEqual(
    cacheMissReasons(parts({}, [files({ a: '2', b: '2', new1: '1', new2: '1' })]), parts({}, [files({ a: '1', b: '1', gone: '1' })])),
    ['a changed, b changed, new1 added, and 2 more files'],
  );
  t.deepEqual(cacheMissReasons(parts({}, [{ content: { digest: 'd2' } }]), parts({}, [{ content: { digest: 'd1' } }]), ['context']), ['content of input 0 (context) changed'], 'no per-file digests');
  t.deepEqual(cacheMissReasons(parts({}, [files({ a: '1' })]), parts({}, [files({ a: '1' })])), ['no cached result for this definition']);
});

test('a change in the number or kind of inputs is reported', (t) => {
  t.deepEqual(cacheMissReasons(parts({}, [{ key: 'a' }, { key: 'b' }]), parts({}, [{ key: 'a' }])), ['inputs changed (1 before, 2 now)']);
  t.deepEqual(cacheMissReasons(parts({}, [{ key: 'a' }]), parts({}, [{ content: { digest: 'd' } }])), ['input 0 changed']);
});

test('explainCacheMiss keeps the line short', (t) => {
  const now = parts({ a: '2', b: '2', c: '2', d: '2', e: '2', f: '2' }, []);
  const before = parts({ a: '1', b: '1', c: '1', d: '1', e: '1', f: '1' }, []);
  t.is(explainCacheMiss(now, before), 'a changed, b changed, c changed, d changed, and 2 more changes');
  t.is(explainCacheMiss(now, before, [], 5), 'a changed, b changed, c changed, d changed, e changed, and 1 more change');
});

test('createAbortController aborts once, with the first reason, and tells listeners', (t) => {
  const controller = createAbortController();
  let calls = 0;
  controller.signal.addEventListener('abort', () => calls++, { once: true });
  controller.abort('first');
  controller.abort('second');
  t.true(controller.signal.aborted);
  t.is(controller.signal.reason, 'first');
  t.is(calls, 1);
});

test('without a platform AbortController, the fallback behaves the same', (t) => {
  const platform = globalThis.AbortController;
  // @ts-expect-error: removed on purpose to reach the fallback
  delete globalThis.AbortController;
  try {
    const controller = createAbortController();
    let calls = 0;
    const listener = (): void => {
      calls++;
    };
    controller.signal.addEventListener('abort', () => calls++);
    controller.signal.addEventListener('abort', listener);
    controller.signal.removeEventListener('abort', listener);
    t.false(controller.signal.aborted);
    controller.abort('why');
    controller.abort('again');
    t.true(controller.signal.aborted);
    t.is(controller.signal.reason, 'why');
    t.is(calls, 1);
    t.false(controller instanceof platform);
  } finally {
    globalThis.AbortController = platform;
  }
});
