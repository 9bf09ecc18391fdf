import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError } from '@kiln/errors';
import { helperErase, helperGet, helperStore } from './credential-helper.js';
import { authKeyForHost, serverUrlMatchesHost, type CredentialsSource, type RegistryCredentials } from './credentials.js';

/** One entry of `auths` in docker's `config.json`. */
export interface DockerAuthEntry {
  /** base64 of `user:password`. */
  readonly auth?: string;
  readonly username?: string;
  readonly password?: string;
  readonly identitytoken?: string;
  readonly registrytoken?: string;
}

/** The parts of docker's `config.json` kiln reads; other keys are kept untouched when kiln writes. */
export interface DockerConfigFile {
  readonly auths?: Readonly<Record<string, DockerAuthEntry>>;
  readonly credsStore?: string;
  readonly credHelpers?: Readonly<Record<string, string>>;
  readonly [key: string]: unknown;
}

/** A loaded docker config: where it lives and what it holds (`{}` when the file does not exist). */
export interface DockerConfig {
  /** Absolute path of `config.json` (it may not exist yet). */
  readonly path: string;
  readonly file: DockerConfigFile;
  /** The environment helpers run with (their lookup uses its `PATH`). */
  readonly env: NodeJS.ProcessEnv;
}

/** Options shared by the credential functions: the environment to read `DOCKER_CONFIG`, `HOME` and `PATH` from. */
export interface DockerConfigOptions {
  readonly env?: NodeJS.ProcessEnv;
}

/** `$DOCKER_CONFIG/config.json`, else `$HOME/.docker/config.json`. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DOCKER_CONFIG ?? path.join(env.HOME ?? os.homedir(), '.docker');
  return path.join(dir, 'config.json');
}

/**
 * Reads docker's `config.json` as docker does (`DOCKER_CONFIG`, else
 * `~/.docker`). A missing file is an empty config.
 *
 * @throws InvalidArgumentError naming the file when it is not a JSON object.
 */
export async function loadDockerConfig(env: NodeJS.ProcessEnv = process.env): Promise<DockerConfig> {
  const file = dockerConfigPath(env);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { path: file, file: {}, env };
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`docker config ${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError(`docker config ${file} must hold a JSON object, found ${JSON.stringify(text.slice(0, 40))}`);
  }
  return { path: file, file: parsed as DockerConfigFile, env };
}

/** The helper responsible for `host`: `credHelpers[host]`, else `credsStore`, else none. */
function helperFor(config: DockerConfigFile, host: string): string | undefined {
  const helpers = config.credHelpers ?? {};
  for (const [key, helper] of Object.entries(helpers)) if (serverUrlMatchesHost(key, host)) return helper;
  return config.credsStore === '' ? undefined : config.credsStore;
}

function credentialsFromEntry(entry: DockerAuthEntry, file: string, key: string): RegistryCredentials | undefined {
  if (entry.identitytoken !== undefined && entry.identitytoken !== '') {
    return { kind: 'identityToken', token: entry.identitytoken, ...(entry.username === undefined ? {} : { username: entry.username }) };
  }
  if (entry.registrytoken !== undefined && entry.registrytoken !== '') return { kind: 'registryToken', token: entry.registrytoken };
  if (entry.auth !== undefined && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) throw new InvalidArgumentError(`docker config ${file}: auths[${JSON.stringify(key)}].auth does not decode to "user:password"`);
    return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username !== undefined && entry.password !== undefined) return { kind: 'basic', username: entry.username, password: entry.password };
  return undefined;
}

/**
 * The credentials the docker config holds for `host` (`host[:port]`;
 * `docker.io` for Docker Hub): from its credential helper when one is
 * configured, else (or when the helper has none) from `auths`. Resolves
 * `undefined` for anonymous access.
 *
 * @throws UnavailableError when a configured helper cannot be run;
 *   InvalidArgumentError when the config is malformed.
 */
export async function resolveCredentials(host: string, options: DockerConfigOptions = {}): Promise<RegistryCredentials | undefined> {
  const config = await loadDockerConfig(options.env ?? process.env);
  return credentialsFromConfig(config, host);
}

/** {@link resolveCredentials} on an already loaded config. */
export async function credentialsFromConfig(config: DockerConfig, host: string): Promise<RegistryCredentials | undefined> {
  const helper = helperFor(config.file, host);
  if (helper !== undefined) {
    const fromHelper = await helperGet(helper, authKeyForHost(host), config.env);
    if (fromHelper !== undefined) return fromHelper;
  }
  const auths = config.file.auths ?? {};
  const exact = auths[authKeyForHost(host)];
  if (exact !== undefined) return credentialsFromEntry(exact, config.path, authKeyForHost(host));
  for (const [key, entry] of Object.entries(auths)) {
    if (serverUrlMatchesHost(key, host)) return credentialsFromEntry(entry, config.path, key);
  }
  return undefined;
}

/**
 * A {@link CredentialsSource} over the docker config of `env`, re-read on each
 * call so a `kiln login` in another shell takes effect.
 */
export function dockerConfigCredentials(env: NodeJS.ProcessEnv = process.env): CredentialsSource {
  return (host) => resolveCredentials(host, { env });
}

/**
 * Saves credentials for `host` the way `docker login` does: through the
 * host's credential helper (then `auths[host]` is recorded as `{}` so tools
 * know the host is logged in), else as base64 `auth` in `auths`. Writes the
 * file atomically with mode 0600. Does not contact the registry: check the
 * credentials first with `RegistryClient.checkCredentials`.
 *
 * @throws UnavailableError when the helper fails; the file error when the config cannot be written.
 */
export async function login(host: string, username: string, password: string, options: DockerConfigOptions = {}): Promise<void> {
  const config = await loadDockerConfig(options.env ?? process.env);
  const key = authKeyForHost(host);
  const helper = helperFor(config.file, host);
  const auths: Record<string, DockerAuthEntry> = { ...config.file.auths };
  if (helper !== undefined) {
    await helperStore(helper, key, username, password, config.env);
    auths[key] = {};
  } else {
    auths[key] = { auth: Buffer.from(`${username}:${password}`, 'utf8').toString('base64') };
  }
  await writeDockerConfig(config.path, { ...config.file, auths });
}

/**
 * Forgets the credentials for `host`: erases them from its helper, and removes
 * every `auths` key that names the host. Resolves false when nothing was stored.
 *
 * @throws UnavailableError when the helper fails.
 */
export async function logout(host: string, options: DockerConfigOptions = {}): Promise<boolean> {
  const config = await loadDockerConfig(options.env ?? process.env);
  const helper = helperFor(config.file, host);
  let removed = helper === undefined ? false : await helperErase(helper, authKeyForHost(host), config.env);
  const auths: Record<string, DockerAuthEntry> = {};
  for (const [key, entry] of Object.entries(config.file.auths ?? {})) {
    if (serverUrlMatchesHost(key, host)) removed = true;
    else auths[key] = entry;
  }
  if (Object.keys(auths).length !== Object.keys(config.file.auths ?? {}).length) {
    await writeDockerConfig(config.path, { ...config.file, auths });
  }
  return removed;
}

async function writeDockerConfig(file: string, content: DockerConfigFile): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temp, `${JSON.stringify(content, null, '\t')}\n`, { mode: 0o600 });
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}
