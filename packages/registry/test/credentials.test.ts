import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { dockerConfigPath, loadDockerConfig, login, logout, resolveCredentials } from '@kiln/registry';

let work: string;

test.before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-registry-creds-'));
  // A docker-credential helper speaking docker's protocol, keeping its secrets in $HELPER_STORE.
  const bin = path.join(work, 'bin');
  fs.mkdirSync(bin);
  const helper = `#!${process.execPath}
const fs = require('node:fs');
const file = process.env.HELPER_STORE;
const read = () => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {});
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  const db = read();
  const action = process.argv[2];
  if (action === 'get') {
    const url = input.trim();
    if (!db[url]) { process.stdout.write('credentials not found in native keychain'); process.exit(1); }
    process.stdout.write(JSON.stringify({ ServerURL: url, Username: db[url].Username, Secret: db[url].Secret }));
  } else if (action === 'store') {
    const c = JSON.parse(input);
    db[c.ServerURL] = c;
    fs.writeFileSync(file, JSON.stringify(db));
  } else if (action === 'erase') {
    const url = input.trim();
    if (!db[url]) { process.stdout.write('credentials not found in native keychain'); process.exit(1); }
    delete db[url];
    fs.writeFileSync(file, JSON.stringify(db));
  } else { process.stderr.write('unknown action ' + action); process.exit(2); }
});
`;
  fs.writeFileSync(path.join(bin, 'docker-credential-kilntest'), helper, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'docker-credential-broken'), '#!/bin/sh\necho "keychain locked" >&2\nexit 3\n', { mode: 0o755 });
});

test.after.always(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function envWith(config: unknown): NodeJS.ProcessEnv {
  const dir = fs.mkdtempSync(path.join(work, 'cfg-'));
  if (config !== undefined) fs.writeFileSync(path.join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return {
    DOCKER_CONFIG: dir,
    HOME: work,
    PATH: `${path.join(work, 'bin')}:${process.env.PATH ?? ''}`,
    HELPER_STORE: path.join(dir, 'helper-store.json'),
  };
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

test('DOCKER_CONFIG wins over HOME; a missing config is empty', async (t) => {
  t.is(dockerConfigPath({ DOCKER_CONFIG: '/x/y', HOME: '/home/u' }), '/x/y/config.json');
  t.is(dockerConfigPath({ HOME: '/home/u' }), '/home/u/.docker/config.json');
  const config = await loadDockerConfig(envWith(undefined));
  t.deepEqual(config.file, {});
  t.is(await resolveCredentials('example.com', { env: envWith(undefined) }), undefined);
});

test('auths: base64 auth, username/password fields, identity and registry tokens, host spellings', async (t) => {
  const env = envWith({
    auths: {
      'registry.example.com:5000': { auth: b64('alice:pa:ss') },
      'https://other.example.com/v1/': { username: 'bob', password: 'pw' },
      'https://index.docker.io/v1/': { auth: b64('hubuser:hubpass') },
      'id.example.com': { identitytoken: 'refresh' },
      'tok.example.com': { registrytoken: 'bearer-token' },
    },
  });
  t.deepEqual(await resolveCredentials('registry.example.com:5000', { env }), { kind: 'basic', username: 'alice', password: 'pa:ss' });
  t.deepEqual(await resolveCredentials('other.example.com', { env }), { kind: 'basic', username: 'bob', password: 'pw' });
  t.deepEqual(await resolveCredentials('docker.io', { env }), { kind: 'basic', username: 'hubuser', password: 'hubpass' });
  t.deepEqual(await resolveCredentials('registry-1.docker.io', { env }), { kind: 'basic', username: 'hubuser', password: 'hubpass' });
  t.deepEqual(await resolveCredentials('id.example.com', { env }), { kind: 'identityToken', token: 'refresh' });
  t.deepEqual(await resolveCredentials('tok.example.com', { env }), { kind: 'registryToken', token: 'bearer-token' });
  t.is(await resolveCredentials('registry.example.com', { env }), undefined, 'the port is part of the host');
});

test('a malformed config names the file', async (t) => {
  const env = envWith('{ not json');
  const error = await t.throwsAsync(loadDockerConfig(env));
  t.is((error as { code?: string }).code, 'InvalidArgument');
  t.true(error!.message.includes(path.join(env.DOCKER_CONFIG!, 'config.json')));
  const badAuth = envWith({ auths: { 'a.example': { auth: b64('no-colon') } } });
  const decode = await t.throwsAsync(resolveCredentials('a.example', { env: badAuth }));
  t.regex(decode!.message, /auths\["a\.example"\]\.auth does not decode to "user:password"/);
});

test('login writes base64 auth with mode 0600, keeps other keys; logout removes it', async (t) => {
  const env = envWith({ auths: { 'keep.example': { auth: b64('k:k') } }, psFormat: 'table' });
  await login('localhost:5000', 'me', 'secret', { env });
  const file = path.join(env.DOCKER_CONFIG!, 'config.json');
  const written = JSON.parse(fs.readFileSync(file, 'utf8')) as { auths: Record<string, { auth: string }>; psFormat: string };
  t.is(written.auths['localhost:5000']!.auth, b64('me:secret'));
  t.is(written.psFormat, 'table');
  t.truthy(written.auths['keep.example']);
  t.is(fs.statSync(file).mode & 0o777, 0o600);
  t.deepEqual(await resolveCredentials('localhost:5000', { env }), { kind: 'basic', username: 'me', password: 'secret' });
  t.true(await logout('localhost:5000', { env }));
  t.is(await resolveCredentials('localhost:5000', { env }), undefined);
  t.false(await logout('localhost:5000', { env }));
  t.truthy((JSON.parse(fs.readFileSync(file, 'utf8')) as { auths: Record<string, unknown> }).auths['keep.example']);
});

test('login into a fresh DOCKER_CONFIG creates the directory; docker.io is stored under the index URL', async (t) => {
  const dir = path.join(work, 'fresh', 'nested');
  const env = { DOCKER_CONFIG: dir, PATH: process.env.PATH ?? '' };
  await login('docker.io', 'hub', 'pw', { env });
  const written = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { auths: Record<string, unknown> };
  t.deepEqual(Object.keys(written.auths), ['https://index.docker.io/v1/']);
});

test('credsStore: login stores through the helper and records an empty auths entry; get and erase go through it', async (t) => {
  const env = envWith({ credsStore: 'kilntest' });
  await login('reg.example.com', 'helperuser', 'helperpass', { env });
  const written = JSON.parse(fs.readFileSync(path.join(env.DOCKER_CONFIG!, 'config.json'), 'utf8')) as { auths: Record<string, unknown> };
  t.deepEqual(written.auths['reg.example.com'], {});
  const helperDb = JSON.parse(fs.readFileSync(env.HELPER_STORE!, 'utf8')) as Record<string, { Username: string; Secret: string }>;
  t.is(helperDb['reg.example.com']!.Secret, 'helperpass');
  t.deepEqual(await resolveCredentials('reg.example.com', { env }), { kind: 'basic', username: 'helperuser', password: 'helperpass' });
  t.is(await resolveCredentials('unknown.example.com', { env }), undefined);
  t.true(await logout('reg.example.com', { env }));
  t.is(await resolveCredentials('reg.example.com', { env }), undefined);
});

test('credHelpers: a per-host helper wins over credsStore; <token> means an identity token', async (t) => {
  const env = envWith({ credsStore: 'broken', credHelpers: { 'special.example.com': 'kilntest' } });
  fs.writeFileSync(env.HELPER_STORE!, JSON.stringify({ 'special.example.com': { Username: '<token>', Secret: 'oauth-refresh' } }));
  t.deepEqual(await resolveCredentials('special.example.com', { env }), { kind: 'identityToken', token: 'oauth-refresh' });
  const error = await t.throwsAsync(resolveCredentials('elsewhere.example.com', { env }));
  t.is((error as { code?: string }).code, 'Unavailable');
  t.regex(error!.message, /docker-credential-broken get exited with 3: keychain locked/);
});

test('a configured helper that is not installed is reported by name', async (t) => {
  const env = envWith({ credsStore: 'nonexistent' });
  const error = await t.throwsAsync(resolveCredentials('x.example.com', { env }));
  t.regex(error!.message, /credential helper docker-credential-nonexistent could not be run/);
});
