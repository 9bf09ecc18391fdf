import type { Command } from 'commander';
import { CliExit } from '../cli-exit.js';

interface RunFlags {
  rm?: boolean;
  network: string;
  entrypoint?: string;
  env: string[];
}

/** `kiln run [--network none|host] [--entrypoint CMD] [-e K=V] IMAGE [COMMAND...]`: run an image once, like `docker run --rm`. */
async function runCommand(image: string, command: string[], flags: RunFlags): Promise<void> {
  const network = flags.network === 'default' || flags.network === 'bridge' ? 'sandbox' : flags.network;
  if (network !== 'none' && network !== 'host' && network !== 'sandbox') throw new Error(`invalid --network "${flags.network}": expected default, none or host`);
  const { runImage } = await import('@kiln/builder');
  const controller = new AbortController();
  const onSignal = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  try {
    const code = await runImage({
      image,
      args: command,
      ...(flags.entrypoint === undefined ? {} : { entrypoint: flags.entrypoint === '' ? [] : [flags.entrypoint] }),
      env: flags.env,
      network,
      stdout: (c) => void process.stdout.write(c),
      stderr: (c) => void process.stderr.write(c),
      signal: controller.signal,
    });
    if (code !== 0) throw new CliExit(code);
  } finally {
    process.off('SIGINT', onSignal);
  }
}

/** Adds `kiln run`. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run an image from the store once, with kiln\'s executor (like docker run --rm)')
    .argument('<image>', 'the image name')
    .argument('[command...]', 'replaces the image\'s CMD')
    .option('--rm', 'accepted for docker compatibility: the container is always removed')
    .option('--network <mode>', 'default (its own network with outbound access), none (loopback only) or host', 'default')
    .option('--entrypoint <cmd>', 'replaces the image\'s ENTRYPOINT')
    .option('-e, --env <key=value>', 'set an environment variable (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .passThroughOptions()
    .action(runCommand);
}
