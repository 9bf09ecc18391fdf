import { spawn } from 'node:child_process';
import { NotFoundError, UnavailableError } from '@kiln/errors';
import type { RegistryCredentials } from './credentials.js';

/** What a `docker-credential-*` helper prints for `get` and reads for `store`. */
interface HelperCredentials {
  readonly ServerURL?: string;
  readonly Username?: string;
  readonly Secret?: string;
}

const notFoundMessage = 'credentials not found in native keychain';

/**
 * Runs `docker-credential-<helper> <action>` with `input` on stdin, looked up
 * on `env.PATH`, and returns its stdout.
 *
 * @throws NotFoundError when the helper says the credentials are not there;
 *   UnavailableError when it cannot be started or fails otherwise (its stderr
 *   and stdout are quoted).
 */
async function runHelper(helper: string, action: 'get' | 'store' | 'erase', input: string, env: NodeJS.ProcessEnv): Promise<string> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, [action], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.once('error', (error) =>
      reject(new UnavailableError(`credential helper ${program} could not be run: ${error.message}`, { cause: error })),
    );
    child.once('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8').trim();
      if (code === 0) {
        resolve(stdout);
        return;
      }
      if (stdout.includes(notFoundMessage)) {
        reject(new NotFoundError(`credential helper ${program}: ${stdout}`));
        return;
      }
      const said = [stdout, Buffer.concat(err).toString('utf8').trim()].filter((s) => s !== '').join('; ');
      reject(new UnavailableError(`credential helper ${program} ${action} exited with ${code}: ${said || 'no output'}`));
    });
    child.stdin.once('error', () => {});
    child.stdin.end(input);
  });
}

/**
 * Asks helper `helper` for the credentials stored under `serverUrl`. A user
 * name of `<token>` marks an identity token, as docker's protocol says.
 * Resolves `undefined` when the helper has none.
 *
 * @throws UnavailableError when the helper is missing or fails.
 */
export async function helperGet(helper: string, serverUrl: string, env: NodeJS.ProcessEnv): Promise<RegistryCredentials | undefined> {
  let stdout: string;
  try {
    stdout = await runHelper(helper, 'get', serverUrl, env);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
  let parsed: HelperCredentials;
  try {
    parsed = JSON.parse(stdout) as HelperCredentials;
  } catch (error) {
    throw new UnavailableError(`credential helper docker-credential-${helper} printed no JSON: ${JSON.stringify(stdout.slice(0, 200))}`, {
      cause: error,
    });
  }
  const secret = parsed.Secret ?? '';
  if (secret === '') return undefined;
  if (parsed.Username === '<token>') return { kind: 'identityToken', token: secret };
  return { kind: 'basic', username: parsed.Username ?? '', password: secret };
}

/** Stores credentials with helper `helper` under `serverUrl`. @throws UnavailableError when the helper fails. */
export async function helperStore(helper: string, serverUrl: string, username: string, secret: string, env: NodeJS.ProcessEnv): Promise<void> {
  const body: HelperCredentials = { ServerURL: serverUrl, Username: username, Secret: secret };
  await runHelper(helper, 'store', JSON.stringify(body), env);
}

/** Erases the credentials helper `helper` holds under `serverUrl`; false when it had none. @throws UnavailableError when the helper fails. */
export async function helperErase(helper: string, serverUrl: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    await runHelper(helper, 'erase', serverUrl, env);
    return true;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}
