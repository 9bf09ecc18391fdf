import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { LocalContentStore } from '@kiln/content';
import { dockerConfigCredentials, login, RegistryClient, RegistryError, type RegistryCredentials } from '@kiln/registry';
import { startRegistry, type RunningRegistry } from './support/registry-process.ts';
import { startTokenServer, type TokenServer } from './support/token-server.ts';
import { makeTinyImage, storeBlobs, writeOciLayout } from './support/tiny-image.ts';

const user = { username: 'kiln', password: 's3cret pass' };
const basic: RegistryCredentials = { kind: 'basic', ...user };
let work: string;
let basicRegistry: RunningRegistry;
let tokenRegistry: RunningRegistry;
let tokens: TokenServer;
const image = makeTinyImage({ label: 'auth' });

const withCredentials = (credentials: RegistryCredentials | undefined): RegistryClient =>
  new RegistryClient({ credentials: async () => credentials, retry: { baseDelayMs: 5, maxDelayMs: 20 } });

async function storeWithImage(): Promise<LocalContentStore> {
  const store = await LocalContentStore.open(fs.mkdtempSync(path.join(work, 'store-')));
  await storeBlobs(store, image.blobs);
  return store;
}

async function emptyStore(): Promise<LocalContentStore> {
  return LocalContentStore.open(fs.mkdtempSync(path.join(work, 'store-')));
}

test.before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-registry-auth-'));
  basicRegistry = await startRegistry({ kind: 'htpasswd', ...user });
  tokens = await startTokenServer({ dir: work, ...user, identityToken: 'refresh-me', anonymousPull: ['public/image'], readOnly: ['readonly/image'] });
  tokenRegistry = await startRegistry({ kind: 'token', realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, rootCertBundle: tokens.rootCertBundle });
  const store = await storeWithImage();
  await withCredentials(basic).push(`${tokenRegistry.host}/public/image:v1`, store, image.manifest.descriptor);
});

test.after.always(async () => {
  await basicRegistry?.stop();
  await tokenRegistry?.stop();
  await tokens?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('basic auth: push and pull with the htpasswd user', async (t) => {
  const ref = `${basicRegistry.host}/basic/image:v1`;
  await withCredentials(basic).push(ref, await storeWithImage(), image.manifest.descriptor);
  const result = await withCredentials(basic).pull(ref, await emptyStore());
  t.is(result.manifest.digest, image.manifest.descriptor.digest);
});

test('basic auth: no credentials and wrong credentials are Unauthenticated, naming the reference', async (t) => {
  const ref = `${basicRegistry.host}/basic/none:v1`;
  const anonymous = (await t.throwsAsync(withCredentials(undefined).resolve(ref))) as RegistryError;
  t.is(anonymous.code, 'Unauthenticated');
  t.is(anonymous.status, 401);
  t.regex(anonymous.message, new RegExp(`resolve ${ref}: UNAUTHORIZED.*run kiln login ${basicRegistry.host}`));
  const wrong = (await t.throwsAsync(withCredentials({ kind: 'basic', username: 'kiln', password: 'nope' }).resolve(ref))) as RegistryError;
  t.is(wrong.code, 'Unauthenticated');
  t.is(wrong.registryCode, 'UNAUTHORIZED');
});

test('basic auth: credentials come from DOCKER_CONFIG written by login, and skopeo pushes with the same user', async (t) => {
  const env = { ...process.env, DOCKER_CONFIG: fs.mkdtempSync(path.join(work, 'docker-config-')) };
  await login(basicRegistry.host, user.username, user.password, { env });
  const layout = fs.mkdtempSync(path.join(work, 'layout-'));
  writeOciLayout(layout, image.blobs, image.manifest.descriptor, 'v1');
  execFileSync('skopeo', ['--insecure-policy', 'copy', '--preserve-digests', '--dest-tls-verify=false', '--dest-creds', `${user.username}:${user.password}`, `oci:${layout}:v1`, `docker://${basicRegistry.host}/basic/skopeo:v1`], {
    stdio: 'ignore',
  });
  const client = new RegistryClient({ credentials: dockerConfigCredentials(env) });
  const result = await client.pull(`${basicRegistry.host}/basic/skopeo:v1`, await emptyStore());
  t.is(result.manifest.digest, image.manifest.descriptor.digest);
});

test('token auth: push and pull with a bearer token fetched from the realm with basic credentials', async (t) => {
  const ref = `${tokenRegistry.host}/private/image:v1`;
  const client = withCredentials(basic);
  await client.push(ref, await storeWithImage(), image.manifest.descriptor);
  const result = await client.pull(ref, await emptyStore());
  t.is(result.manifest.digest, image.manifest.descriptor.digest);
  const asked = tokens.requests.filter((r) => r.scopes.some((s) => s.startsWith('repository:private/image:')));
  t.true(asked.some((r) => r.account === 'kiln' && r.scopes.includes('repository:private/image:pull,push')));
});

test.serial('token auth: tokens are cached per scope, so a second pull asks the token server nothing', async (t) => {
  const client = withCredentials(basic);
  await client.pull(`${tokenRegistry.host}/public/image:v1`, await emptyStore());
  const before = tokens.requests.length;
  await client.pull(`${tokenRegistry.host}/public/image:v1`, await emptyStore());
  t.is(tokens.requests.length, before);
  // A different repository is a different scope: one new token.
  const absent = (await t.throwsAsync(client.resolve(`${tokenRegistry.host}/cache/absent:v1`))) as RegistryError;
  t.is(absent.code, 'NotFound');
  t.is(tokens.requests.length, before + 1);
  t.deepEqual(tokens.requests.at(-1)!.scopes, ['repository:cache/absent:pull']);
});

test('token auth: anonymous pull where the token server allows it; anonymous push is refused', async (t) => {
  const client = withCredentials(undefined);
  const result = await client.pull(`${tokenRegistry.host}/public/image:v1`, await emptyStore());
  t.is(result.manifest.digest, image.manifest.descriptor.digest);
  const error = (await t.throwsAsync(client.push(`${tokenRegistry.host}/public/image:v2`, await storeWithImage(), image.manifest.descriptor))) as RegistryError;
  t.is(error.code, 'Unauthenticated');
  t.regex(error.message, new RegExp(`${tokenRegistry.host}/public/image:v2: UNAUTHORIZED`));
});

test('token auth: a user without push rights on a repository is refused with the registry code', async (t) => {
  const error = (await t.throwsAsync(withCredentials(basic).push(`${tokenRegistry.host}/readonly/image:v2`, await storeWithImage(), image.manifest.descriptor))) as RegistryError;
  t.true(['Unauthenticated', 'PermissionDenied'].includes(error.code));
  t.regex(error.message, /readonly\/image:v2: (UNAUTHORIZED|DENIED)/);
});

test('token auth: a wrong password is refused by the token server, Unauthenticated', async (t) => {
  const error = await t.throwsAsync(withCredentials({ kind: 'basic', username: 'kiln', password: 'wrong' }).resolve(`${tokenRegistry.host}/public/image:v1`));
  t.is((error as { code?: string }).code, 'Unauthenticated');
  t.regex(error!.message, /token server http:\/\/127\.0\.0\.1:\d+\/token refused the credentials/);
});

test('token auth: an identity token is exchanged with grant_type=refresh_token', async (t) => {
  const before = tokens.requests.length;
  const result = await withCredentials({ kind: 'identityToken', token: 'refresh-me' }).pull(`${tokenRegistry.host}/private/image:v1`, await emptyStore()).catch(async () => {
    // private/image may not exist yet when tests run in parallel; push it first.
    await withCredentials(basic).push(`${tokenRegistry.host}/private/image:v1`, await storeWithImage(), image.manifest.descriptor);
    return withCredentials({ kind: 'identityToken', token: 'refresh-me' }).pull(`${tokenRegistry.host}/private/image:v1`, await emptyStore());
  });
  t.is(result.manifest.digest, image.manifest.descriptor.digest);
  t.true(tokens.requests.slice(before).some((r) => r.method === 'POST' && r.account === 'kiln'));
});

test('token auth: cross-repository mount asks for pull on the source and push on the target', async (t) => {
  const client = withCredentials(basic);
  t.true(await client.mountBlob(`${tokenRegistry.host}/mounted/image`, image.layers[0]!.descriptor, 'public/image'));
  t.true(await client.blobExists(`${tokenRegistry.host}/mounted/image`, image.layers[0]!.descriptor.digest));
  t.true(tokens.requests.some((r) => r.scopes.includes('repository:mounted/image:pull,push') && r.scopes.includes('repository:public/image:pull')));
});

test('checkCredentials accepts good credentials and refuses bad ones, for basic and token registries', async (t) => {
  const client = withCredentials(undefined);
  await t.notThrowsAsync(client.checkCredentials(basicRegistry.host, basic));
  await t.notThrowsAsync(client.checkCredentials(tokenRegistry.host, basic));
  const badBasic = await t.throwsAsync(client.checkCredentials(basicRegistry.host, { kind: 'basic', username: 'kiln', password: 'x' }));
  t.is((badBasic as { code?: string }).code, 'Unauthenticated');
  const badToken = await t.throwsAsync(client.checkCredentials(tokenRegistry.host, { kind: 'basic', username: 'kiln', password: 'x' }));
  t.is((badToken as { code?: string }).code, 'Unauthenticated');
});
