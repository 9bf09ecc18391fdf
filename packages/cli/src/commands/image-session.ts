import type { ImageService } from '@kiln/builder';
import { CanceledError } from '@kiln/errors';
import { CliExit } from '../cli-exit.js';
import { createProgressDisplay, parseProgressMode, type ProgressMode } from '../progress/create-display.js';
import type { ProgressDisplay } from '../progress/progress-display.js';

/**
 * Runs `action` with the image service of the kiln root (`KILN_ROOT`) and an
 * abort signal that Ctrl-C (SIGINT) or SIGTERM trips, so an interrupted pull
 * or push cancels its transfers and drops its lease before the process ends.
 * The service is closed afterwards, also on failure.
 */
export async function withImageService<T>(action: (service: ImageService, signal: AbortSignal) => Promise<T>): Promise<T> {
  // The builder is loaded by the command that needs it, so `kiln --help` stays cheap.
  const { openImageService } = await import('@kiln/builder');
  const service = await openImageService();
  const controller = new AbortController();
  const interrupt = (): void => controller.abort(new CanceledError('interrupted'));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    return await action(service, controller.signal);
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    service.close();
  }
}

/** The display a `--progress` option asks for. @throws CliExit(2) for an unknown mode, after saying so. */
export function progressDisplayFor(mode: string | undefined): ProgressDisplay {
  const parsed: ProgressMode | undefined = parseProgressMode(mode ?? 'auto');
  if (parsed === undefined) {
    process.stderr.write(`error: --progress must be auto, tty, plain or quiet, not ${JSON.stringify(mode)}\n`);
    throw new CliExit(2);
  }
  return createProgressDisplay(parsed);
}

/** Runs `work` with `display`, stopping the display however `work` ends. */
export async function withDisplay<T>(display: ProgressDisplay, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    display.stop();
  }
}
