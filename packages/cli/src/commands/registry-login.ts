import type { Command } from 'commander';
import { CliExit } from '../cli-exit.js';
import { withImageService } from './image-session.js';

/** Reads all of stdin as text. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks on the terminal; with `hidden`, typed characters are not echoed. Ctrl-C cancels. */
async function ask(question: string, hidden: boolean): Promise<string> {
  process.stderr.write(question);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let answer = '';
      const onData = (data: Buffer): void => {
        for (const char of data.toString('utf8')) {
          if (char === '\r' || char === '\n') {
            stdin.off('data', onData);
            process.stderr.write('\n');
            resolve(answer);
            return;
          }
          if (char === '\u0003') {
            stdin.off('data', onData);
            process.stderr.write('\n');
            reject(new CliExit(130));
            return;
          }
          if (char === '\u007f' || char === '\b') answer = answer.slice(0, -1);
          else answer += char;
          if (!hidden) process.stderr.write(char === '\u007f' ? '\b \b' : char);
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  throw new CliExit(1);
}

/**
 * `kiln login [-u USER] [--password-stdin] [HOST]`: checks the credentials
 * against the registry, then stores them in docker's config.json
 * (`$DOCKER_CONFIG`), as `docker login` does. HOST defaults to Docker Hub.
 * Without the flags it asks on the terminal.
 */
async function loginCommand(server: string | undefined, flags: { readonly username?: string; readonly password?: string; readonly passwordStdin?: boolean }): Promise<void> {
  const host = server ?? 'docker.io';
  if (flags.password !== undefined && flags.passwordStdin === true) fail('--password and --password-stdin are mutually exclusive');
  let username = flags.username;
  let password = flags.password;
  if (flags.password !== undefined) process.stderr.write('WARNING! Using --password via the command line is insecure. Use --password-stdin.\n');
  if (flags.passwordStdin === true) {
    if (username === undefined) fail('--password-stdin needs --username');
    password = (await readStdin()).replace(/\r?\n$/, '');
  }
  if (username === undefined) {
    if (!process.stdin.isTTY) fail('no user name: give --username (and --password-stdin) when stdin is not a terminal');
    username = (await ask('Username: ', false)).trim();
  }
  if (password === undefined) {
    if (!process.stdin.isTTY) fail('no password: pipe it with --password-stdin');
    password = await ask('Password: ', true);
  }
  if (username === '') fail('the user name is empty');
  if (password === '') fail('the password is empty');
  await withImageService(async (images, signal) => {
    await images.login(host, username, password, { signal });
  });
  process.stdout.write('Login Succeeded\n');
}

/** `kiln logout [HOST]`: forgets the credentials stored for HOST (default Docker Hub). */
async function logoutCommand(server: string | undefined): Promise<void> {
  await withImageService(async (images) => {
    const { host, removed } = await images.logout(server ?? 'docker.io');
    process.stdout.write(removed ? `Removing login credentials for ${host}\n` : `Not logged in to ${host}\n`);
  });
}

/** Adds `kiln login` and `kiln logout`. */
export function registerLoginCommands(program: Command): void {
  program
    .command('login')
    .description("log in to a registry (credentials go to docker's config.json)")
    .argument('[host]', 'registry host[:port] (default: Docker Hub)')
    .option('-u, --username <user>', 'user name')
    .option('-p, --password <password>', 'password or token (insecure: prefer --password-stdin)')
    .option('--password-stdin', 'read the password or token from stdin')
    .action(loginCommand);
  program
    .command('logout')
    .description('forget the credentials stored for a registry')
    .argument('[host]', 'registry host[:port] (default: Docker Hub)')
    .action(logoutCommand);
}
