import test from 'ava';
import {
  errorCodeFor,
  isLoopbackHost,
  normalizeScopes,
  parseRegistryErrors,
  parseRegistryHostsConfig,
  parseRetryAfter,
  parseWwwAuthenticate,
  registryEndpoints,
  retryDelay,
  selectManifest,
} from '@kiln/registry';
import { MediaType, parseDigest, type Descriptor } from '@kiln/oci';

test('WWW-Authenticate: bearer with quoted params, escapes, and several challenges', (t) => {
  t.deepEqual(parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } },
  ]);
  t.deepEqual(parseWwwAuthenticate('Basic realm="a \\"quoted\\" realm", Bearer realm=https://x/token, error=insufficient_scope'), [
    { scheme: 'basic', params: { realm: 'a "quoted" realm' } },
    { scheme: 'bearer', params: { realm: 'https://x/token', error: 'insufficient_scope' } },
  ]);
  t.deepEqual(parseWwwAuthenticate(''), []);
});

test('scopes merge per resource with sorted actions', (t) => {
  t.deepEqual(normalizeScopes(['repository:b:push', 'repository:a:pull', 'repository:b:pull', '']), ['repository:a:pull', 'repository:b:pull,push']);
  t.deepEqual(normalizeScopes(['repository:a:pull repository:c:*']), ['repository:a:pull', 'repository:c:*']);
});

test('retry delays grow exponentially with jitter, are capped, and honour Retry-After', (t) => {
  const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  t.is(retryDelay(policy, 1, undefined, () => 1), 100);
  t.is(retryDelay(policy, 3, undefined, () => 1), 400);
  t.is(retryDelay(policy, 3, undefined, () => 0), 200);
  t.is(retryDelay(policy, 10, undefined, () => 1), 1000);
  t.is(retryDelay(policy, 1, '0'), 0);
  t.is(retryDelay(policy, 1, '120'), 1000);
  t.is(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 5000);
  t.is(parseRetryAfter('soon'), undefined);
});

test('registry error bodies parse leniently and map to kiln codes, registry code first', (t) => {
  t.deepEqual(parseRegistryErrors('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}}]}'), [
    { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: { Tag: 'x' } },
  ]);
  t.deepEqual(parseRegistryErrors('<html>bad gateway</html>'), []);
  t.is(errorCodeFor(404, [{ code: 'BLOB_UNKNOWN', message: '' }]), 'NotFound');
  t.is(errorCodeFor(400, [{ code: 'NAME_INVALID', message: '' }]), 'InvalidArgument');
  t.is(errorCodeFor(403, []), 'PermissionDenied');
  t.is(errorCodeFor(401, []), 'Unauthenticated');
  t.is(errorCodeFor(400, [{ code: 'DENIED', message: '' }]), 'PermissionDenied');
  t.is(errorCodeFor(503, []), 'Unavailable');
  t.is(errorCodeFor(429, []), 'ResourceExhausted');
});

test('loopback hosts get plain HTTP; others HTTPS; insecure hosts skip verification with HTTP fallback', (t) => {
  for (const host of ['localhost', 'localhost:5000', '127.0.0.1:5000', '127.1.2.3', '[::1]:5000']) t.true(isLoopbackHost(host), host);
  for (const host of ['128.0.0.1', 'localhost.example.com', 'example.com:5000']) t.false(isLoopbackHost(host), host);
  const [local] = registryEndpoints('localhost:5000', 'pull');
  t.like(local, { scheme: 'http', host: 'localhost:5000', insecureTls: false });
  const [remote] = registryEndpoints('ghcr.io', 'pull');
  t.like(remote, { scheme: 'https', insecureTls: false, httpFallback: false });
  const [insecure] = registryEndpoints('reg.lan:5000', 'push', {}, ['reg.lan:5000']);
  t.like(insecure, { scheme: 'https', insecureTls: true, httpFallback: true });
  const [plain] = registryEndpoints('reg.lan:5000', 'push', { 'reg.lan:5000': { http: true } });
  t.like(plain, { scheme: 'http' });
});

test('docker.io mirrors come first for pulls only; Docker Hub itself is registry-1.docker.io', (t) => {
  const hosts = parseRegistryHostsConfig({ 'docker.io': { mirrors: ['mirror.lan:5000', 'http://cache.lan/prefix/'] }, 'mirror.lan:5000': { insecure: true } }, 'kiln.json');
  const pull = registryEndpoints('docker.io', 'pull', hosts);
  t.deepEqual(pull.map((e) => `${e.scheme}://${e.host}${e.pathPrefix}`), ['https://mirror.lan:5000', 'http://cache.lan/prefix', 'https://registry-1.docker.io']);
  t.true(pull[0]!.insecureTls);
  t.true(pull[0]!.mirror);
  t.deepEqual(registryEndpoints('docker.io', 'push', hosts).map((e) => e.host), ['registry-1.docker.io']);
});

test('the registries section of kiln config is validated with the file and key named', (t) => {
  t.throws(() => parseRegistryHostsConfig({ 'a.io': { mirrors: 'x' } }, 'kiln.json'), { message: /kiln\.json: registries\["a\.io"\]\.mirrors must be a list of strings/ });
  t.throws(() => parseRegistryHostsConfig({ 'a.io': { tls: true } }, 'kiln.json'), { message: /unknown setting "tls"/ });
  t.throws(() => parseRegistryHostsConfig({ 'a.io': { mirrors: ['bad mirror'] } }, 'kiln.json'), { message: /mirror "bad mirror" of registry a\.io/ });
  t.deepEqual(parseRegistryHostsConfig(undefined, 'kiln.json'), {});
});

const entry = (n: number, platform?: Descriptor['platform'], mediaType: string = MediaType.ociManifest): Descriptor => ({
  mediaType,
  digest: parseDigest(`sha256:${String(n).repeat(64).slice(0, 64)}`),
  size: 100,
  ...(platform === undefined ? {} : { platform }),
});

test('manifest selection prefers the exact platform, falls back compatibly, ignores attestations', (t) => {
  const list = [
    entry(1, { os: 'linux', architecture: 'arm', variant: 'v6' }),
    entry(2, { os: 'linux', architecture: 'arm', variant: 'v7' }),
    entry(3, { os: 'unknown', architecture: 'unknown' }),
    entry(4, { os: 'linux', architecture: '386' }),
  ];
  t.is(selectManifest('r', list, { os: 'linux', architecture: 'arm', variant: 'v7' }).digest, list[1]!.digest);
  t.is(selectManifest('r', list, { os: 'linux', architecture: 'arm', variant: 'v6' }).digest, list[0]!.digest);
  t.is(selectManifest('r', list, { os: 'linux', architecture: 'amd64' }).digest, list[3]!.digest);
  t.throws(() => selectManifest('r', list, { os: 'windows', architecture: 'amd64' }), { message: /no manifest for platform windows\/amd64; the index offers: linux\/arm\/v6, linux\/arm\/v7, unknown\/unknown, linux\/386/ });
  t.is(selectManifest('r', [entry(5)], { os: 'linux', architecture: 'amd64' }).digest, entry(5).digest);
});
