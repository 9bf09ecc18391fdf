/**
 * `checkBuild`: what `kiln build --check` runs (buildx's `--call=check`):
 * the build checks of a build's Dockerfile with the build's `.dockerignore`,
 * without converting or running anything.
 */
import fs from 'node:fs';
import path from 'node:path';
import { lintDockerfile, type LintResult } from '@kiln/dockerfile-frontend';
import { readIgnorePatterns } from '@kiln/patterns';
import type { Platform } from '@kiln/oci';

/** Options of {@link checkBuild}: the parts of `BuildOptions` a check reads. */
export interface CheckBuildOptions {
  /** The build context directory, where `.dockerignore` is looked for. */
  readonly contextDir: string;
  readonly dockerfileText: string;
  /** The Dockerfile's name as the user gave it, for messages. */
  readonly dockerfileName: string;
  /** The Dockerfile's path on disk when it has one: a `NAME.dockerignore` beside it wins over the context's. */
  readonly dockerfilePath?: string;
  readonly buildArgs?: ReadonlyMap<string, string>;
  /** Check what a build of this stage reaches; without it, every stage (as `docker build --check`). */
  readonly target?: string;
  readonly platform?: Platform;
}

/**
 * Lints the Dockerfile of a build. Reads the ignore file the build would use
 * (`<Dockerfile>.dockerignore`, else `<context>/.dockerignore`); throws
 * InvalidArgumentError when it cannot be parsed and the file system's error when
 * it cannot be read. Problems of the Dockerfile itself come back in `error`.
 */
export async function checkBuild(options: CheckBuildOptions): Promise<LintResult> {
  const dockerfilePath = options.dockerfilePath ?? path.join(options.contextDir, 'Dockerfile');
  const ignore = await readIgnorePatterns(dockerfilePath, async (name, index) => {
    const file = index === 0 ? name : path.join(options.contextDir, '.dockerignore');
    try {
      return await fs.promises.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  });
  return lintDockerfile(options.dockerfileText, {
    file: options.dockerfileName,
    ...(options.buildArgs === undefined ? {} : { buildArgs: options.buildArgs }),
    ...(options.target === undefined ? {} : { target: options.target }),
    ...(options.platform === undefined ? {} : { targetPlatform: options.platform }),
    ignorePatterns: ignore.patterns,
  });
}
