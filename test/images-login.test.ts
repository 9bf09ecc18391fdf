// kiln login / logout against a docker-registry with htpasswd auth, through the real CLI.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { startRegistry, type RunningRegistry } from '../packages/registry/test/support/registry-process.ts';
import { kiln, kilnEnv, listImages, makeBusyboxLayout, skopeo } from './support/images-cli.ts';

const username = 'kiln-user';
const password = 's3cret-pass';
let registry: RunningRegistry;
let work: string;
let manifestDigest: string;
let envCount = 0;

const fresh = () => kilnEnv(path.join(work, `env-${++envCount}`));

test.before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-images-login-'));
  const layout = path.join(work, 'busybox-layout');
  manifestDigest = makeBusyboxLayout(layout);
  registry = await startRegistry({ kind: 'htpasswd', username, password });
  skopeo('copy', '--dest-tls-verify=false', `--dest-creds=${username}:${password}`, `oci:${layout}:latest`, `docker://${registry.host}/private/busybox:latest`);
});

test.after.always(async () => {
  await registry?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function dockerConfig(dir: string): { auths?: Record<string, { auth?: string }> } {
  const file = path.join(dir, 'config.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { auths?: Record<string, { auth?: string }> }) : {};
}

test('without login a pull is refused; after kiln login it works; after kiln logout it is refused again', (t) => {
  const k = fresh();
  const ref = `${registry.host}/private/busybox`;
  const anonymous = kiln(k, ['pull', ref]);
  t.is(anonymous.status, 1);
  t.regex(anonymous.stderr, /UNAUTHORIZED|unauthori[sz]ed|authentication required/i);

  const login = kiln(k, ['login', '--username', username, '--password-stdin', registry.host], `${password}\n`);
  t.is(login.status, 0, login.stderr);
  t.is(login.stdout, 'Login Succeeded\n');
  const stored = dockerConfig(k.dockerConfig).auths?.[registry.host]?.auth;
  t.is(Buffer.from(stored ?? '', 'base64').toString(), `${username}:${password}`);
  t.is((fs.statSync(path.join(k.dockerConfig, 'config.json')).mode & 0o777).toString(8), '600');

  const pulled = kiln(k, ['pull', ref]);
  t.is(pulled.status, 0, pulled.stderr);
  t.regex(pulled.stdout, new RegExp(`Digest: ${manifestDigest}`));
  const pushed = kiln(k, ['push', ref, `${registry.host}/private/copy:v1`]);
  t.is(pushed.status, 0, pushed.stderr);
  t.is((JSON.parse(skopeo('inspect', '--tls-verify=false', `--creds=${username}:${password}`, `docker://${registry.host}/private/copy:v1`)) as { Digest: string }).Digest, manifestDigest);

  const logout = kiln(k, ['logout', registry.host]);
  t.is(logout.status, 0, logout.stderr);
  t.is(logout.stdout, `Removing login credentials for ${registry.host}\n`);
  t.is(dockerConfig(k.dockerConfig).auths?.[registry.host], undefined);
  const again = kiln(k, ['logout', registry.host]);
  t.is(again.stdout, `Not logged in to ${registry.host}\n`);
  t.is(kiln(k, ['rmi', ref]).status, 0);
  t.is(kiln(k, ['pull', ref]).status, 1);
});

test('kiln login with a wrong password fails and stores nothing', (t) => {
  const k = fresh();
  const r = kiln(k, ['login', '-u', username, '--password-stdin', registry.host], 'wrong\n');
  t.is(r.status, 1);
  t.regex(r.stderr, /^error: .*(UNAUTHORIZED|unauthori[sz]ed|authentication required)/im);
  t.deepEqual(dockerConfig(k.dockerConfig), {});
});

test('kiln login without a terminal needs --username and --password-stdin', (t) => {
  const k = fresh();
  const noUser = kiln(k, ['login', registry.host], '');
  t.is(noUser.status, 1);
  t.regex(noUser.stderr, /--username/);
  const noUserForStdin = kiln(k, ['login', '--password-stdin', registry.host], `${password}\n`);
  t.is(noUserForStdin.status, 1);
  t.regex(noUserForStdin.stderr, /--password-stdin needs --username/);
  t.deepEqual(listImages(k), []);
});
