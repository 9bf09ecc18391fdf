import fs from 'node:fs';
import type { Command } from 'commander';
import { CliExit } from '../cli-exit.js';
import { withImageService } from './image-session.js';

function refuse(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  throw new CliExit(1);
}

/**
 * `kiln save [-o FILE] [--format oci|docker] REF…`: an OCI layout tar or a
 * docker archive (the default, as `docker save`) of the images, to FILE
 * (replaced atomically) or to stdout when it is not a terminal.
 */
async function save(refs: string[], flags: { readonly output?: string; readonly format?: string; readonly platform?: string }): Promise<void> {
  const format = flags.format ?? 'docker';
  if (format !== 'oci' && format !== 'docker') {
    process.stderr.write(`error: --format must be oci or docker, not ${JSON.stringify(format)}\n`);
    throw new CliExit(2);
  }
  if (flags.output === undefined && process.stdout.isTTY) refuse('refusing to write an image archive to a terminal: give -o FILE or redirect stdout');
  await withImageService(async (images) => {
    const output = flags.output === undefined ? { stream: process.stdout } : { file: flags.output };
    await images.save(refs, output, { format, ...(flags.platform === undefined ? {} : { platform: flags.platform }) });
  });
}

/**
 * `kiln load [-i FILE]`: reads an OCI layout (directory or tar) or a docker
 * archive (also gzip- or zstd-compressed) from FILE or stdin, and prints
 * `Loaded image: NAME` for each name it gives.
 */
async function load(flags: { readonly input?: string; readonly repository?: string }): Promise<void> {
  if (flags.input === undefined && process.stdin.isTTY) refuse('no archive to load: give -i FILE or pipe one to stdin');
  if (flags.input !== undefined && !fs.existsSync(flags.input)) refuse(`archive ${JSON.stringify(flags.input)} does not exist`);
  await withImageService(async (images) => {
    const input = flags.input ?? { stream: process.stdin, name: 'stdin' };
    const loaded = await images.load(input, flags.repository === undefined ? {} : { defaultRepository: flags.repository });
    for (const { familiar } of loaded.named) process.stdout.write(`Loaded image: ${familiar}\n`);
    for (const d of loaded.unnamed) {
      process.stdout.write(`Loaded unnamed image: ${d.digest}\n`);
      process.stderr.write(`warning: the archive gives ${d.digest} no name (an OCI layout tag needs --repository); it stays unnamed, so the next \`kiln prune\` removes it\n`);
    }
  });
}

/** Adds `kiln save` and `kiln load`. */
export function registerArchiveCommands(program: Command): void {
  program
    .command('save')
    .description('write images to a tar archive (docker archive, or OCI image layout)')
    .argument('<refs...>', 'image names or IDs')
    .option('-o, --output <file>', 'the archive to write (default: stdout)')
    .option('--format <format>', 'docker or oci', 'docker')
    .option('--platform <os/arch[/variant]>', 'docker format: the image to write from a multi-platform index')
    .action(save);
  program
    .command('load')
    .description('read images from an OCI layout (directory or tar) or a docker archive')
    .option('-i, --input <path>', 'the archive or layout directory (default: stdin)')
    .option('--repository <name>', 'repository for OCI layout images named by a tag only (ref.name "latest")')
    .action(load);
}
