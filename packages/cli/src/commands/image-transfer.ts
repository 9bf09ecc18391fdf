import type { Command } from 'commander';
import { transferUpdate } from '../progress/transfer-rows.js';
import { progressDisplayFor, withDisplay, withImageService } from './image-session.js';

interface TransferFlags {
  readonly progress?: string;
  readonly quiet?: boolean;
}

/**
 * `kiln pull REF`: progress on stderr (bars on a terminal, lines otherwise);
 * on stdout, as docker: `Digest: …`, `Status: …` and the full name.
 */
async function pull(ref: string, flags: TransferFlags & { readonly platform?: string }): Promise<void> {
  await withImageService(async (images, signal) => {
    const display = progressDisplayFor(flags.quiet === true ? 'quiet' : flags.progress);
    const pulled = await withDisplay(display, () =>
      images.pull(ref, { signal, onProgress: (e) => display.update(transferUpdate(e)), ...(flags.platform === undefined ? {} : { platform: flags.platform }) }),
    );
    if (flags.quiet !== true) {
      process.stdout.write(`Digest: ${pulled.digest}\n`);
      process.stdout.write(`Status: ${pulled.changed ? 'Downloaded newer image' : 'Image is up to date'} for ${pulled.familiar} (${pulled.platform})\n`);
    }
    process.stdout.write(`${pulled.name}\n`);
  });
}

/** `kiln push REF [DEST]`: progress on stderr; `TAG: digest: sha256:… size: N` on stdout, as docker prints it. */
async function push(ref: string, dest: string | undefined, flags: TransferFlags): Promise<void> {
  await withImageService(async (images, signal) => {
    const display = progressDisplayFor(flags.quiet === true ? 'quiet' : flags.progress);
    const pushed = await withDisplay(display, () => images.push(ref, dest, { signal, onProgress: (e) => display.update(transferUpdate(e)) }));
    process.stdout.write(`${pushed.destination}: digest: ${pushed.digest} size: ${pushed.size}\n`);
  });
}

/** Adds `kiln pull` and `kiln push`. */
export function registerTransferCommands(program: Command): void {
  program
    .command('pull')
    .description('download an image from a registry into the kiln root')
    .argument('<ref>', 'image reference (busybox, registry:5000/app:1, app@sha256:…)')
    .option('--platform <os/arch[/variant]>', 'the platform to pick from a multi-platform image (default: this machine\'s)')
    .option('--progress <mode>', 'auto, tty, plain or quiet', 'auto')
    .option('-q, --quiet', 'print only the image name')
    .action(pull);
  program
    .command('push')
    .description('upload a local image to a registry')
    .argument('<ref>', 'local image name or ID')
    .argument('[dest]', 'where to push it (default: its own name)')
    .option('--progress <mode>', 'auto, tty, plain or quiet', 'auto')
    .option('-q, --quiet', 'print only the result line')
    .action(push);
}
