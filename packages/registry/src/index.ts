/**
 * @packageDocumentation
 * A client of the OCI distribution API (v2): resolve tags to manifests and
 * indexes, pull images into a content store with digest checks, resume and
 * retries, push images from it (HEAD, mount, monolithic or chunked upload,
 * manifest PUT), bearer-token and basic auth with docker's credentials
 * (config.json, credential helpers), mirrors and plain HTTP for local
 * registries.
 */
export {
  RegistryClient,
  type RegistryClientOptions,
  type CallOptions,
  type TransferOptions,
  type PullOptions,
  type PushOptions,
  type ResolvedReference,
} from './client.js';
export type { PullResult } from './pull.js';
export { selectManifest } from './pull.js';
export type { RegistryContentStore, RegistryContentWriter } from './content-port.js';
export type { TransferProgress, ProgressListener } from './progress.js';
export { RegistryError, type RegistryErrorEntry, type RegistryErrorOptions, errorCodeFor, parseRegistryErrors } from './registry-error.js';
export { maxManifestBytes, manifestAccept, type FetchedManifest } from './manifest-fetch.js';
export { defaultRetryPolicy, type RetryPolicy, retryDelay, parseRetryAfter, isRetryableStatus } from './http/retry.js';
export { parseWwwAuthenticate, type AuthChallenge } from './auth/www-authenticate.js';
export { normalizeScopes, repositoryScope } from './auth/scopes.js';
export {
  type RegistryHostConfig,
  type RegistryHostsConfig,
  type RegistryEndpoint,
  registryEndpoints,
  isLoopbackHost,
  parseRegistryHostsConfig,
  loadRegistryHostsConfig,
  dockerHubRegistry,
  dockerHubApiHost,
} from './hosts.js';
export { hostPlatform } from './host-platform.js';
export { type RegistryCredentials, type CredentialsSource, dockerHubAuthKey, authKeyForHost } from './credentials/credentials.js';
export {
  type DockerConfig,
  type DockerConfigFile,
  type DockerAuthEntry,
  type DockerConfigOptions,
  dockerConfigPath,
  loadDockerConfig,
  resolveCredentials,
  credentialsFromConfig,
  dockerConfigCredentials,
  login,
  logout,
} from './credentials/docker-config.js';
