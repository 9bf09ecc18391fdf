import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { registerBuildCommand } from './commands/build.js';
import { registerDebugCommands } from './commands/debug.js';
import { registerRunCommand } from './commands/run.js';
import { registerImageCommands } from './commands/images.js';
import { LocatedError } from '@kiln/errors';
import { renderError, type ErrorSource } from './render-error.js';
import { CliExit } from './cli-exit.js';

/** The text of the file a located error points into, when it can be read, for the lines around the error. */
function sourceOf(error: unknown): ErrorSource | undefined {
  if (!(error instanceof LocatedError) || error.file === undefined || error.file === '-') return undefined;
  try {
    return { file: error.file, text: readFileSync(error.file, 'utf8') };
  } catch {
    return undefined;
  }
}

/** kiln's version, from the cli package's own package.json. */
export function kilnVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/**
 * Runs the kiln command line. `argv` is `process.argv` (node and script first).
 * Resolves to the process exit code; never calls `process.exit`, so output
 * streams drain before the process ends.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('kiln')
    .description('Build OCI images from Dockerfiles, in the style of BuildKit.')
    .version(kilnVersion(), '-v, --version', 'print the kiln version')
    // `kiln run IMAGE sh -c …`: options after a command's arguments belong to the command being run.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  registerBuildCommand(program);
  registerDebugCommands(program);
  registerRunCommand(program);
  registerImageCommands(program);
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliExit) return error.exitCode;
    process.stderr.write(`${renderError(error, sourceOf(error))}\n`);
    return 1;
  }
}
