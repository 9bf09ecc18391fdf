/** The inputs and outputs of {@link lintDockerfile}. */
import type { SourceRange } from '@kiln/errors';
import type { Platform } from '@kiln/oci';
import type { LintRuleName } from './rules.js';

/** What the linter knows of a base image: the parts of its config some rules read. */
export interface BaseImageInfo {
  /** The config's `Env` (`KEY=value` entries); UndefinedVar treats these names as defined. */
  readonly env?: readonly string[];
  /** The config's `Shell`; a non-empty one silences JSONArgsRecommended, as a SHELL instruction does. */
  readonly shell?: readonly string[];
  /** The platform the image was resolved for; InvalidBaseImagePlatform compares it with the expected one. */
  readonly platform?: Platform;
}

/** Options of {@link lintDockerfile}. */
export interface LintOptions {
  /** The Dockerfile's name as the user gave it, for messages (default `Dockerfile`). */
  readonly file?: string;
  /** `--build-arg` values. `BUILDKIT_DOCKERFILE_CHECK` here replaces the `# check=` directive, as in BuildKit. */
  readonly buildArgs?: ReadonlyMap<string, string>;
  /**
   * The stage a build would make (name, case-insensitive). With a target, only
   * the stages a build of it reaches are checked instruction by instruction,
   * as in a build; without one every stage is (BuildKit's lint subrequest).
   * FROM lines and file-wide rules are always checked for every stage.
   */
  readonly target?: string;
  /**
   * `'target'` checks what a build of `target` (default: the last stage)
   * dispatches, which is what a build reports; `'all'` checks every stage.
   * Default: `'all'` without `target`, `'target'` with one.
   */
  readonly scope?: 'all' | 'target';
  /** `.dockerignore` patterns of the build context, for CopyIgnoredFile (none: the rule never fires). */
  readonly ignorePatterns?: readonly string[];
  /** The platform built for (default linux/amd64): the value of TARGETPLATFORM and friends. */
  readonly targetPlatform?: Platform;
  /** The platform building (default: `targetPlatform`): BUILDPLATFORM and friends. */
  readonly buildPlatform?: Platform;
  /**
   * The config of a base image, when the caller knows it (a build that has
   * resolved its images does). `ref` is the FROM base after ARG expansion, as
   * written (`alpine:3`); `platform` the one asked for. Without it, or when it
   * returns `undefined`, an image is taken to set only PATH (BuildKit's
   * default), no SHELL, and no platform to compare.
   */
  readonly baseImage?: (ref: string, platform: Platform) => BaseImageInfo | undefined;
}

/** The severity of a finding: `error` when the check configuration says `error=true`. */
export type LintLevel = 'warning' | 'error';

/** One rule that fired at one place. */
export interface LintFinding {
  /** The rule's name, e.g. `FromAsCasing`. */
  readonly rule: LintRuleName;
  /** What is wrong here, in BuildKit's words (its warning `detail`). */
  readonly message: string;
  /** The rule's one-sentence description. */
  readonly description: string;
  /** The rule's documentation page (empty for InvalidBaseImagePlatform). */
  readonly url: string;
  readonly level: LintLevel;
  /** Where (1-based lines and columns, end inclusive): the instruction the rule is about. */
  readonly ranges: readonly SourceRange[];
}

/** Why linting, or the build it stands for, cannot go on. */
export interface LintError {
  /**
   * `violation`: a rule fired while `error=true` (`lint violation found for rules: …`);
   * `dockerfile`: the Dockerfile itself is wrong, as the build would report it.
   */
  readonly kind: 'violation' | 'dockerfile';
  /** The message BuildKit gives, e.g. `dockerfile parse error on line 4: unknown instruction: BADCMD`. */
  readonly message: string;
  /** Where, when known (1-based, end inclusive). */
  readonly ranges: readonly SourceRange[];
}

/** What {@link lintDockerfile} found. */
export interface LintResult {
  /** Findings sorted by line, then message; each appears once. */
  readonly findings: readonly LintFinding[];
  /** Set when the Dockerfile cannot be built, or a rule set to error fired. Findings made before it are kept. */
  readonly error?: LintError;
}
