import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError } from '@kiln/errors';
import { Copier } from './copier.js';

/**
 * ADD's archive detection (BuildKit `isArchivePath`): a regular file whose
 * first tar header reads, after any compression GNU tar recognises by content
 * (gzip, bzip2, xz, zstd, lzip, …). An empty archive (only end blocks) is not
 * one, as in Go's `tar.Reader.Next` returning EOF. Reads as little as it can:
 * the listing is stopped at its first byte.
 */
export async function isTarArchive(file: string, signal?: AbortSignal): Promise<boolean> {
  const st = fs.lstatSync(file);
  if (!st.isFile() || st.size === 0) return false;
  return await new Promise<boolean>((resolve, reject) => {
    const child = spawn('tar', ['-t', '-f', file], { stdio: ['ignore', 'pipe', 'ignore'], signal });
    let seen = false;
    child.stdout.once('data', () => {
      seen = true;
      child.kill('SIGKILL');
    });
    child.on('error', (err) => (err.name === 'AbortError' ? reject(err) : resolve(false)));
    child.on('close', (code) => resolve(seen || (code === 0 && false)));
  });
}

/**
 * Extracts the tar archive `file` into the destination directory `destDir`
 * (a host path already resolved inside `copier`'s destination root and
 * existing), as ADD does: entries keep the archive's owners, modes, times and
 * xattrs; existing files of the destination are replaced, existing
 * directories merged.
 *
 * Why this way: GNU tar runs into a fresh private directory, where it refuses
 * `..` members and absolute or `..` link targets on its own and finds no
 * symlinks planted by the image; the result is then merged into the
 * destination by the copier, which resolves nothing outside the root. So an
 * archive can neither escape through its own links nor through links already
 * in the image (the hazard of extracting in place without a chroot).
 */
export async function unpackArchive(file: string, destDir: string, destRoot: string, signal?: AbortSignal): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-add-'));
  try {
    await runTar(['-x', '-f', file, '-C', scratch, '--same-owner', '--same-permissions', '--numeric-owner', '--xattrs', '--xattrs-include=*', '--warning=no-unknown-keyword'], signal);
    const merge = new Copier({ destRoot, alwaysReplaceExistingDestPaths: true, signal });
    await merge.copy(scratch, destDir, false);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

async function runTar(args: readonly string[], signal: AbortSignal | undefined): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('tar', args, { stdio: ['ignore', 'ignore', 'pipe'], signal });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4096) stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new InvalidArgumentError(`extracting the archive failed (tar exit code ${code}): ${stderr.trim()}`));
    });
  });
}
