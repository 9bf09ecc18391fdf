import os from 'node:os';
import path from 'node:path';
import { loadRegistryHostsConfig, type RegistryHostsConfig } from '@kiln/registry';

/**
 * Where kiln's registry settings live: `$KILN_CONFIG` when set, else
 * `${XDG_CONFIG_HOME:-$HOME/.config}/kiln/registries.json`. The file is JSON,
 * `{ "registries": { "<host[:port]>": { "mirrors": [...], "http": bool, "insecure": bool } } }`;
 * a missing file means no settings. Credentials are not kept here but in
 * docker's `config.json` (`$DOCKER_CONFIG`), so `docker login` and
 * `kiln login` share them.
 */
export function kilnConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KILN_CONFIG) return path.resolve(env.KILN_CONFIG);
  const configHome = env.XDG_CONFIG_HOME ? env.XDG_CONFIG_HOME : path.join(env.HOME ?? os.homedir(), '.config');
  return path.join(configHome, 'kiln', 'registries.json');
}

/**
 * The registry hosts settings of {@link kilnConfigPath}.
 *
 * @throws InvalidArgumentError naming the file when it is malformed.
 */
export function loadKilnRegistryHosts(env: NodeJS.ProcessEnv = process.env): Promise<RegistryHostsConfig> {
  return loadRegistryHostsConfig(kilnConfigPath(env));
}
