/**
 * What kiln may present to a registry for one host:
 * - `basic`: a user name and password (or personal access token), sent as
 *   HTTP Basic to registries that ask for it and to token servers;
 * - `identityToken`: an OAuth2 refresh token (docker's `identitytoken`, or a
 *   credential helper answering with the user name `<token>`), exchanged at the
 *   token server with `grant_type=refresh_token`;
 * - `registryToken`: a bearer token sent to the registry as it is.
 */
export type RegistryCredentials =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'identityToken'; readonly token: string; readonly username?: string }
  | { readonly kind: 'registryToken'; readonly token: string };

/**
 * Looks up credentials for a registry host (`host[:port]`, with `docker.io`
 * for Docker Hub). Resolves `undefined` for anonymous access.
 */
export type CredentialsSource = (host: string) => Promise<RegistryCredentials | undefined>;

/** The key Docker Hub credentials live under in `config.json`, for compatibility with docker. */
export const dockerHubAuthKey = 'https://index.docker.io/v1/';

const dockerHubHosts = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * The host part of a config key or server URL, as docker's
 * `ConvertToHostname` computes it: scheme and path dropped
 * (`https://index.docker.io/v1/` → `index.docker.io`).
 */
export function hostOfServerUrl(serverUrl: string): string {
  let rest = serverUrl;
  if (rest.startsWith('http://')) rest = rest.slice(7);
  else if (rest.startsWith('https://')) rest = rest.slice(8);
  const slash = rest.indexOf('/');
  return slash === -1 ? rest : rest.slice(0, slash);
}

/** True when `host` names Docker Hub under any of its spellings. */
export function isDockerHub(host: string): boolean {
  return dockerHubHosts.has(host);
}

/** The key under which credentials for `host` are stored in `config.json` and given to helpers. */
export function authKeyForHost(host: string): string {
  return isDockerHub(host) ? dockerHubAuthKey : host;
}

/** True when a config key or server URL refers to `host` (Docker Hub spellings are one host). */
export function serverUrlMatchesHost(serverUrl: string, host: string): boolean {
  const keyHost = hostOfServerUrl(serverUrl);
  if (isDockerHub(host)) return isDockerHub(keyHost);
  return keyHost === host;
}
