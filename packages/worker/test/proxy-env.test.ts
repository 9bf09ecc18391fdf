// Proxy build args reach a RUN step's environment but never its cache key (BuildKit's rule).
import test from 'ava';
import { execCacheMap } from '@kiln/worker';
import { proxyEnvironment, type ExecOp } from '@kiln/llb';

const op = (proxy?: ExecOp['meta']['proxyEnv']): ExecOp => ({
  type: 'exec',
  meta: { args: ['/bin/sh', '-c', 'apt-get update'], env: ['PATH=/bin'], cwd: '/', user: '', network: 'sandbox', security: 'sandbox', ...(proxy === undefined ? {} : { proxyEnv: proxy }) },
  mounts: [{ dest: '/', input: 0, output: 0, readonly: false, type: 'bind' }],
  secretEnv: [],
});

test('a step behind a proxy has the same cache key as without one', (t) => {
  const plain = execCacheMap(op(), 1, undefined);
  const proxied = execCacheMap(op({ httpProxy: 'http://proxy:3128', noProxy: 'localhost' }), 1, undefined);
  t.is(proxied.digest, plain.digest);
  t.deepEqual(proxied.parts, plain.parts);
});

test('proxy settings become upper- and lower-case environment variables', (t) => {
  t.deepEqual(proxyEnvironment({ httpProxy: 'http://p:1', noProxy: 'x' }), ['HTTP_PROXY=http://p:1', 'http_proxy=http://p:1', 'NO_PROXY=x', 'no_proxy=x']);
  t.deepEqual(proxyEnvironment(undefined), []);
});
