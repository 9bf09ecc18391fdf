import type { Command } from 'commander';
import type { ImageSummary } from '@kiln/builder';
import { CliExit } from '../cli-exit.js';
import { formatDecimalBytes, timeAgo } from '../progress/format-units.js';
import { withImageService } from './image-session.js';

/** The short image ID docker shows: 12 hex digits without the algorithm. */
export function shortId(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1).slice(0, 12);
}

/** Lays rows out in columns separated by three spaces, as docker's tables are. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('   ').trimEnd()).join('\n');
}

function createdText(image: ImageSummary, now: number): string {
  const time = image.created === undefined ? Number.NaN : Date.parse(image.created);
  return Number.isNaN(time) ? 'N/A' : timeAgo(time, now);
}

/**
 * `kiln images`: REPOSITORY, TAG, IMAGE ID (config digest), CREATED (from the
 * config) and SIZE (the compressed content in the store, decimal units);
 * `--format json` prints one JSON object per image and line; `-q` the IDs.
 */
async function listImages(flags: { readonly quiet?: boolean; readonly trunc?: boolean; readonly format?: string }): Promise<void> {
  if (flags.format !== undefined && flags.format !== 'table' && flags.format !== 'json') {
    process.stderr.write(`error: --format must be table or json, not ${JSON.stringify(flags.format)}\n`);
    throw new CliExit(2);
  }
  await withImageService(async (images) => {
    const list = await images.list();
    const id = (s: ImageSummary): string => (flags.trunc === false ? s.id : shortId(s.id));
    if (flags.quiet === true) {
      process.stdout.write([...new Set(list.map(id))].map((line) => `${line}\n`).join(''));
      return;
    }
    if (flags.format === 'json') {
      for (const s of list) {
        const row = { name: s.name, repository: s.repository, tag: s.tag, id: s.id, digest: s.target.digest, created: s.created ?? null, size: s.size, platform: s.platform ?? null };
        process.stdout.write(`${JSON.stringify(row)}\n`);
      }
      return;
    }
    const now = Date.now();
    const rows = [['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'], ...list.map((s) => [s.repository, s.tag, id(s), createdText(s, now), formatDecimalBytes(s.size)])];
    process.stdout.write(`${table(rows)}\n`);
  });
}

async function tagImage(src: string, dest: string): Promise<void> {
  await withImageService(async (images) => {
    await images.tag(src, dest);
  });
}

/** `kiln rmi REF…`: `Untagged: NAME` per removed name. Blobs are freed by `kiln prune`. */
async function removeImages(refs: string[], flags: { readonly force?: boolean }): Promise<void> {
  await withImageService(async (images) => {
    const removed = await images.remove(refs, { force: flags.force === true });
    for (const { familiar } of removed) process.stdout.write(`Untagged: ${familiar}\n`);
  });
}

/** `kiln prune`: removes unreferenced blobs; prints each and the total. */
async function prune(flags: { readonly gracePeriod?: string }): Promise<void> {
  const seconds = Number(flags.gracePeriod ?? '60');
  if (!Number.isFinite(seconds) || seconds < 0) {
    process.stderr.write(`error: --grace-period must be a number of seconds (0 or more), not ${JSON.stringify(flags.gracePeriod)}\n`);
    throw new CliExit(2);
  }
  await withImageService(async (images) => {
    const result = await images.prune({ gracePeriodMs: seconds * 1000 });
    for (const digest of result.removed) process.stdout.write(`deleted: ${digest}\n`);
    process.stdout.write(`Total reclaimed space: ${formatDecimalBytes(result.removedBytes)} (${result.removedBytes} bytes in ${result.removed.length} blobs)\n`);
  });
}

/** Adds `kiln images`, `kiln tag`, `kiln rmi` and `kiln prune`. */
export function registerImageStoreCommands(program: Command): void {
  program
    .command('images')
    .description('list local images: repository, tag, ID (config digest), created, size (compressed, as stored)')
    .option('-q, --quiet', 'print only image IDs')
    .option('--no-trunc', 'print full image IDs')
    .option('--format <format>', 'table or json (one object per line)', 'table')
    .action(listImages);
  program
    .command('tag')
    .description('give a local image another name')
    .argument('<src>', 'local image name or ID')
    .argument('<dest>', 'the new name')
    .action(tagImage);
  program
    .command('rmi')
    .description('remove image names (the content goes at the next prune)')
    .argument('<refs...>', 'image names or IDs')
    .option('-f, --force', 'remove an image ID named in several repositories')
    .action(removeImages);
  program
    .command('prune')
    .description('delete content that no image, build or running operation references; prints what it freed')
    .option('--grace-period <seconds>', 'keep unreferenced blobs written less than this long ago (a concurrent kiln may be about to name them)', '60')
    .action(prune);
}
