/**
 * The build checks of a build: what `builder.build` reports as warnings, for
 * the stages the target reaches, with the configs of the base images the
 * conversion resolved (so UndefinedVar knows their Env).
 */
import { lintDockerfile, type BaseImageInfo, type LintResult } from '@kiln/dockerfile-frontend';
import type { Dockerfile } from '@kiln/dockerfile-syntax';
import type { LocatedError } from '@kiln/errors';
import { normalizeReference, referenceToString, type ImageConfig, type Platform } from '@kiln/oci';
import { lintViolationError, lintWarningEvent, type BuildWarningEvent } from './lint.js';

/** Base image configs a conversion resolved, by normalised reference (`docker.io/library/busybox:latest`). */
export class ResolvedBaseImages {
  readonly #byRef = new Map<string, BaseImageInfo>();

  /** Records the config `ref` resolved to. */
  record(ref: string, config: ImageConfig): void {
    const c = config.config;
    this.#byRef.set(key(ref), {
      ...(c?.Env === undefined ? {} : { env: c.Env }),
      ...(c?.Shell === undefined ? {} : { shell: c.Shell }),
      platform: { os: config.os, architecture: config.architecture, ...(config.variant === undefined ? {} : { variant: config.variant }) },
    });
  }

  /** What is known of the base `ref` as a FROM line names it (`busybox`), if it was resolved. */
  lookup = (ref: string): BaseImageInfo | undefined => this.#byRef.get(key(ref));
}

function key(ref: string): string {
  try {
    return referenceToString(normalizeReference(ref));
  } catch {
    return ref;
  }
}

/** Options of {@link lintBuild}. */
export interface BuildLintOptions {
  readonly file: string;
  readonly target?: string;
  readonly buildArgs?: ReadonlyMap<string, string>;
  readonly ignorePatterns: readonly string[];
  readonly platform: Platform;
  readonly images: ResolvedBaseImages;
}

/** What the checks of a build found; `failure` when they could not run at all (a kiln bug, never the Dockerfile's fault). */
export interface BuildLintResult extends LintResult {
  readonly failure?: string;
}

/**
 * The findings a build of `options.target` reports, and BuildKit's lint
 * violation error when `error=true`. A check that throws does not fail the
 * build: the conversion decides whether the Dockerfile builds.
 */
export function lintBuild(dockerfile: Dockerfile, options: BuildLintOptions): BuildLintResult {
  try {
    return lintDockerfile(dockerfile, {
      file: options.file,
      scope: 'target',
      ...(options.target === undefined ? {} : { target: options.target }),
      ...(options.buildArgs === undefined ? {} : { buildArgs: options.buildArgs }),
      ignorePatterns: options.ignorePatterns,
      targetPlatform: options.platform,
      baseImage: options.images.lookup,
    });
  } catch (error) {
    return { findings: [], failure: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Emits each finding of `result` as a `build.warning` event and returns the
 * error the build must fail with when a rule set to error fired.
 */
export function reportBuildLint(result: BuildLintResult, file: string, emit: (event: BuildWarningEvent) => void): LocatedError | undefined {
  if (result.failure !== undefined) emit({ type: 'build.warning', message: `the build checks could not run: ${result.failure}`, time: Date.now() });
  for (const finding of result.findings) emit(lintWarningEvent(finding, Date.now()));
  return lintViolationError(result, file);
}
