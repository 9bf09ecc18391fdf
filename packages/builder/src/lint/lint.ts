/**
 * `lint`: BuildKit's build checks over Dockerfile text, for editors and
 * `kiln build --check`. Pure: no root, no daemon, no file read; the caller
 * hands over the `.dockerignore` text when CopyIgnoredFile should see it.
 */
import { lintDockerfile, type BaseImageInfo, type LintFinding, type LintResult } from '@kiln/dockerfile-frontend';
import { LocatedError, type SourceRange } from '@kiln/errors';
import { parseIgnoreFile } from '@kiln/patterns';
import type { Platform } from '@kiln/oci';

/** Options of {@link lint}. */
export interface LintOptions {
  /** The Dockerfile's name as the user gave it (default `Dockerfile`), for messages. */
  readonly file?: string;
  /** `--build-arg` values; `BUILDKIT_DOCKERFILE_CHECK` replaces the `# check=` directive. */
  readonly buildArgs?: ReadonlyMap<string, string>;
  /**
   * The stage a build would make. Without it every stage is checked (the way
   * `docker build --check` does); with it, what a build of it reaches.
   */
  readonly target?: string;
  /** The build context's `.dockerignore` text, for CopyIgnoredFile. */
  readonly dockerignore?: string;
  /** The platform built for (default linux/amd64). */
  readonly platform?: Platform;
  /** Base image configs, when known (see `LintOptions.baseImage` of `@kiln/dockerfile-frontend`). */
  readonly baseImage?: (ref: string, platform: Platform) => BaseImageInfo | undefined;
}

/**
 * Checks `text` with BuildKit's 22 build-check rules, honouring `# check=skip=…;error=true;experimental=…`
 * and the `BUILDKIT_DOCKERFILE_CHECK` build-arg. Returns the findings (each with its rule, BuildKit's
 * message, the rule's URL and the instruction's range: 1-based lines and columns, end inclusive) and,
 * when the Dockerfile cannot be built or a rule set to error fired, `error`. Never throws for a bad
 * Dockerfile; throws InvalidArgumentError for `.dockerignore` text with over-long lines.
 */
export function lint(text: string, options: LintOptions = {}): LintResult {
  return lintDockerfile(text, {
    ...(options.file === undefined ? {} : { file: options.file }),
    ...(options.buildArgs === undefined ? {} : { buildArgs: options.buildArgs }),
    ...(options.target === undefined ? {} : { target: options.target }),
    ...(options.platform === undefined ? {} : { targetPlatform: options.platform }),
    ...(options.baseImage === undefined ? {} : { baseImage: options.baseImage }),
    ignorePatterns: parseIgnoreFile(options.dockerignore),
  });
}

/**
 * A build's warning event (one member of `BuildEvent`). Warnings from build checks carry
 * `rule`, `ranges` and `level`; other warnings of the build (a `# syntax=` kiln serves itself) only
 * `message` and perhaps `range`.
 */
export interface BuildWarningEvent {
  readonly type: 'build.warning';
  /** For a build check, BuildKit's short text without the line: `RuleName: message`. */
  readonly message: string;
  readonly time: number;
  /** The first range of the finding (1-based, end inclusive). */
  readonly range?: SourceRange;
  /** Every range of the finding. */
  readonly ranges?: readonly SourceRange[];
  /** The rule that fired, for warnings that come from a build check. */
  readonly rule?: { readonly name: string; readonly description: string; readonly url: string };
  /** `error` when the check configuration makes findings fail the build (`error=true`). */
  readonly level?: 'warning' | 'error';
}

/** The build event for one finding, stamped `time` (milliseconds since the Unix epoch). */
export function lintWarningEvent(finding: LintFinding, time: number): BuildWarningEvent {
  const range = finding.ranges[0];
  return {
    type: 'build.warning',
    message: `${finding.rule}: ${finding.message}`,
    time,
    ...(range === undefined ? {} : { range }),
    ranges: finding.ranges,
    rule: { name: finding.rule, description: finding.description, url: finding.url },
    level: finding.level,
  };
}

/**
 * The error a build fails with when a rule set to error fired (BuildKit's
 * `lint violation found for rules: …`), located at the first finding; `undefined` otherwise.
 */
export function lintViolationError(result: LintResult, file: string): LocatedError | undefined {
  if (result.error?.kind !== 'violation') return undefined;
  return new LocatedError(result.error.message, result.error.ranges, { file });
}
