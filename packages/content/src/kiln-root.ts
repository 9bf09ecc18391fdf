import os from 'node:os';
import path from 'node:path';

/**
 * The root of kiln's state on disk: `KILN_ROOT` when set; else `/var/lib/kiln`
 * when running as root; else `$XDG_DATA_HOME/kiln`, or `~/.local/share/kiln`
 * when `XDG_DATA_HOME` is unset. `env` and `uid` default to the running
 * process's; pass them to compute another process's root.
 */
export function defaultKilnRoot(env: NodeJS.ProcessEnv = process.env, uid: number = process.getuid?.() ?? -1): string {
  if (env.KILN_ROOT) return path.resolve(env.KILN_ROOT);
  if (uid === 0) return '/var/lib/kiln';
  const dataHome = env.XDG_DATA_HOME ? env.XDG_DATA_HOME : path.join(env.HOME ?? os.homedir(), '.local', 'share');
  return path.join(dataHome, 'kiln');
}

/** Where the pieces of a kiln root live, per ARCHITECTURE.md. */
export function kilnRootLayout(root: string): { readonly content: string; readonly metadataDatabase: string } {
  return { content: path.join(root, 'content'), metadataDatabase: path.join(root, 'metadata.db') };
}
