import test from 'ava';
import { familiarName, familiarString, normalizeReference, parseReference, referenceToString, repositoryName } from '@kiln/oci';

// Tables after github.com/distribution/reference's normalize_test.go: docker's own rules.
const hex = 'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';

const validNames = [
  'docker/docker', 'library/debian', 'debian', 'docker.io/docker/docker', 'docker.io/library/debian', 'docker.io/debian',
  'index.docker.io/docker/docker', 'index.docker.io/library/debian', 'index.docker.io/debian', '127.0.0.1:5000/docker/docker',
  '127.0.0.1:5000/library/debian', '127.0.0.1:5000/debian', '192.168.0.1', '192.168.0.1:80', '192.168.0.1:8/debian',
  '192.168.0.2:25000/debian', 'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev', '[fc00::1]:5000/docker',
  '[fc00::1]:5000/docker/docker', '[fc00:1:2:3:4:5:6:7]:5000/library/debian',
  'docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a', 'Docker/docker', 'DOCKER/docker',
  'docker-rules/docker', 'docker---rules/docker', 'doc/docker', 'd/docker', 'jess/t', 'dock__er/docker',
];
for (const name of validNames) {
  test(`accepts ${name}`, (t) => {
    t.notThrows(() => parseReference(name));
  });
}

const invalidNames = [
  'https://github.com/docker/docker', 'docker/Docker', '-docker', '-docker/docker', '-docker.io/docker/docker', 'docker///docker',
  'docker.io/docker/Docker', 'docker.io/docker///docker', '[fc00::1]', '[fc00::1]:5000', 'fc00::1:5000/debian',
  '[fe80::1%eth0]:5000/debian', '[2001:db8:3:4::192.0.2.33]:5000/debian',
  '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a', 'docker-/docker', '-docker-/docker', '____/____',
  '_docker/_docker', 'dock..er/docker', 'dock_.er/docker', 'dock-.er/docker', 'docker/', '', ':tag', 'busybox:', 'busybox@',
  `${'a'.repeat(256)}/docker`, 'busybox:-tag', `busybox@sha256:${hex.slice(0, 63)}`, `busybox@sha256:${hex.toUpperCase()}`,
  `busybox@md5:${hex}`,
];
for (const name of invalidNames) {
  test(`rejects ${JSON.stringify(name)} with docker's message, quoting the input`, (t) => {
    const error = t.throws(() => parseReference(name));
    t.is((error as { code?: string }).code, 'InvalidArgument');
    t.true(error!.message.startsWith('invalid reference format'), error!.message);
    t.true(error!.message.includes(JSON.stringify(name)), error!.message);
  });
}

test('uppercase in the repository path names the path like docker', (t) => {
  t.is(t.throws(() => parseReference('docker/Docker'))!.message, 'invalid reference format: repository name (docker/Docker) must be lowercase: "docker/Docker"');
});

test('a bare 64-hex identifier is refused like docker', (t) => {
  t.regex(t.throws(() => parseReference(hex))!.message, /cannot specify 64-byte hexadecimal strings/);
});

test('a name over 255 characters is refused with the limit', (t) => {
  t.regex(t.throws(() => parseReference(`${'a'.repeat(250)}/docker`))!.message, /must not be more than 255 characters/);
});

const repositories: { names: string[]; path: string; familiar: string; full: string; domain: string }[] = [
  { names: ['fooo/bar', 'docker.io/fooo/bar', 'index.docker.io/fooo/bar'], path: 'fooo/bar', familiar: 'fooo/bar', full: 'docker.io/fooo/bar', domain: 'docker.io' },
  { names: ['ubuntu', 'docker.io/library/ubuntu', 'library/ubuntu'], path: 'library/ubuntu', familiar: 'ubuntu', full: 'docker.io/library/ubuntu', domain: 'docker.io' },
  { names: ['nonlibrary/ubuntu', 'docker.io/nonlibrary/ubuntu'], path: 'nonlibrary/ubuntu', familiar: 'nonlibrary/ubuntu', full: 'docker.io/nonlibrary/ubuntu', domain: 'docker.io' },
  { names: ['other/library'], path: 'other/library', familiar: 'other/library', full: 'docker.io/other/library', domain: 'docker.io' },
  { names: ['127.0.0.1:8000/private/moonbase'], path: 'private/moonbase', familiar: '127.0.0.1:8000/private/moonbase', full: '127.0.0.1:8000/private/moonbase', domain: '127.0.0.1:8000' },
  { names: ['127.0.0.1:8000/privatebase'], path: 'privatebase', familiar: '127.0.0.1:8000/privatebase', full: '127.0.0.1:8000/privatebase', domain: '127.0.0.1:8000' },
  { names: ['example.com/private/moonbase'], path: 'private/moonbase', familiar: 'example.com/private/moonbase', full: 'example.com/private/moonbase', domain: 'example.com' },
  { names: ['example.com:8000/privatebasee'], path: 'privatebasee', familiar: 'example.com:8000/privatebasee', full: 'example.com:8000/privatebasee', domain: 'example.com:8000' },
  { names: ['ubuntu-12.04-base', 'index.docker.io/library/ubuntu-12.04-base'], path: 'library/ubuntu-12.04-base', familiar: 'ubuntu-12.04-base', full: 'docker.io/library/ubuntu-12.04-base', domain: 'docker.io' },
  { names: ['foo', 'docker.io/foo'], path: 'library/foo', familiar: 'foo', full: 'docker.io/library/foo', domain: 'docker.io' },
  { names: ['library/foo/bar', 'docker.io/library/foo/bar'], path: 'library/foo/bar', familiar: 'library/foo/bar', full: 'docker.io/library/foo/bar', domain: 'docker.io' },
  { names: ['store/foo/bar'], path: 'store/foo/bar', familiar: 'store/foo/bar', full: 'docker.io/store/foo/bar', domain: 'docker.io' },
  { names: ['Foo/bar'], path: 'bar', familiar: 'Foo/bar', full: 'Foo/bar', domain: 'Foo' },
  { names: ['FOO/bar'], path: 'bar', familiar: 'FOO/bar', full: 'FOO/bar', domain: 'FOO' },
  { names: ['test_com/foo'], path: 'test_com/foo', familiar: 'test_com/foo', full: 'docker.io/test_com/foo', domain: 'docker.io' },
  { names: ['test-com:8080/foo'], path: 'foo', familiar: 'test-com:8080/foo', full: 'test-com:8080/foo', domain: 'test-com:8080' },
  { names: ['xn--n3h.com:18080/foo'], path: 'foo', familiar: 'xn--n3h.com:18080/foo', full: 'xn--n3h.com:18080/foo', domain: 'xn--n3h.com:18080' },
  { names: ['localhost/foo'], path: 'foo', familiar: 'localhost/foo', full: 'localhost/foo', domain: 'localhost' },
  { names: ['localhost:5000/x'], path: 'x', familiar: 'localhost:5000/x', full: 'localhost:5000/x', domain: 'localhost:5000' },
];
for (const r of repositories) {
  for (const name of r.names) {
    test(`${name} normalises to ${r.full} (domain ${r.domain}, familiar ${r.familiar})`, (t) => {
      const ref = parseReference(name);
      t.is(ref.domain, r.domain);
      t.is(ref.path, r.path);
      t.is(repositoryName(ref), r.full);
      t.is(familiarName(ref), r.familiar);
    });
  }
}

const completions: [string, string][] = [
  ['busybox', 'docker.io/library/busybox:latest'],
  ['redis:7', 'docker.io/library/redis:7'],
  ['localhost:5000', 'docker.io/library/localhost:5000'],
  ['192.168.0.1:80', 'docker.io/library/192.168.0.1:80'],
  ['localhost:5000/x', 'localhost:5000/x:latest'],
  [`redis@sha256:${hex}`, `docker.io/library/redis@sha256:${hex}`],
  [`127.0.0.1:5000/a/b:t@sha256:${hex}`, `127.0.0.1:5000/a/b@sha256:${hex}`],
  ['[fc00::1]:5000/docker:v1', '[fc00::1]:5000/docker:v1'],
];
for (const [input, expected] of completions) {
  test(`normalizeReference(${JSON.stringify(input)}) is ${expected}`, (t) => {
    t.is(referenceToString(normalizeReference(input)), expected);
  });
}

test('parseReference keeps both tag and digest as written, like ParseNormalizedNamed', (t) => {
  const input = `busybox:latest@sha256:${hex}`;
  const ref = parseReference(input);
  t.deepEqual(ref, { domain: 'docker.io', path: 'library/busybox', tag: 'latest', digest: `sha256:${hex}` });
  t.is(referenceToString(ref), `docker.io/library/${input}`);
  t.is(familiarString(ref), input);
});

test('a sha512 digest in a reference is accepted', (t) => {
  const digest = `sha512:${'ab'.repeat(64)}`;
  t.is(parseReference(`x/y@${digest}`).digest as string | undefined, digest);
});
