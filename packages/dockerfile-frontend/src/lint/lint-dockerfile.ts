/**
 * BuildKit's build checks over a Dockerfile, without building anything
 * (BuildKit's `DockerfileLint`, and the warnings `Dockerfile2LLB` streams).
 * The walk follows a build's order: configuration, parse warnings, typing
 * every instruction, file-wide rules, FROM lines, then each stage's
 * instructions with its environment, so that a Dockerfile that fails keeps
 * the findings a build would have shown before failing.
 */
import { LocatedError, type SourceRange } from '@kiln/errors';
import { parseDockerfile, type Dockerfile } from '@kiln/dockerfile-syntax';
import { PatternMatcher } from '@kiln/patterns';
import type { Platform } from '@kiln/oci';
import { predefinedArgs } from '../convert/build-args.js';
import { defaultCheckConfig, parseCheckConfig, type CheckConfig } from './check-config.js';
import { dispatchCommand } from './dispatch-checks.js';
import { stateFromImage, stateFromStage, type LintStageState } from './dispatch-state.js';
import { checkDefaultArgsInFrom, expandStages, globalScope } from './from-checks.js';
import { Linter, LintStop } from './linter.js';
import { checkKeywordCasing, checkStageNames, typeInstructions } from './parse-checks.js';
import { lintRules } from './rules.js';
import { linkStages, reachableStages } from './stage-links.js';
import type { LintOptions, LintResult } from './types.js';

const defaultPlatform: Platform = { os: 'linux', architecture: 'amd64' };

/** The build-arg that replaces the `# check=` directive. */
export const CHECK_BUILD_ARG = 'BUILDKIT_DOCKERFILE_CHECK';

/** The file's check configuration: the build-arg if given, else the directive; or the error to stop with. */
function checkConfig(dockerfile: Dockerfile, buildArgs: ReadonlyMap<string, string>): CheckConfig | LintResult {
  const fromArg = buildArgs.get(CHECK_BUILD_ARG);
  const directive = dockerfile.directives.find((d) => d.name === 'check');
  try {
    if (fromArg !== undefined) return parseCheckConfig(fromArg);
    return directive === undefined ? defaultCheckConfig : parseCheckConfig(directive.value);
  } catch (error) {
    const message = fromArg !== undefined ? `failed to parse ${CHECK_BUILD_ARG}: ${(error as Error).message}` : `failed to parse check options: ${(error as Error).message}`;
    return { findings: [], error: { kind: 'dockerfile', message, ranges: directive === undefined || fromArg !== undefined ? [] : [directive.range] } };
  }
}

/**
 * Runs BuildKit's build checks over `input` (Dockerfile text, or a parsed
 * Dockerfile). Never throws for a bad Dockerfile: what a build would fail
 * with comes back as `error`, beside the findings made before it. With
 * `error=true` in the check configuration, any finding also sets `error`
 * (`lint violation found for rules: …`) and every finding has level `error`.
 *
 * Rules that need a base image's config (UndefinedVar's names from its Env,
 * JSONArgsRecommended's SHELL, InvalidBaseImagePlatform) use
 * `options.baseImage`; without it an image counts as setting PATH only.
 */
export function lintDockerfile(input: string | Dockerfile, options: LintOptions = {}): LintResult {
  const file = options.file ?? 'Dockerfile';
  let dockerfile: Dockerfile;
  if (typeof input === 'string') {
    try {
      dockerfile = parseDockerfile(input, { file });
    } catch (error) {
      return { findings: [], error: { kind: 'dockerfile', message: (error as Error).message, ranges: rangesOf(error) } };
    }
  } else {
    dockerfile = input;
  }
  const buildArgs = options.buildArgs ?? new Map<string, string>();
  const config = checkConfig(dockerfile, buildArgs);
  if ('findings' in config) return config;
  const linter = new Linter(config);
  try {
    walk(linter, dockerfile, options, file, buildArgs);
  } catch (error) {
    if (!(error instanceof LintStop)) throw error;
    return { findings: linter.findings(), error: error.lintError };
  }
  const violation = linter.violation();
  return violation === undefined ? { findings: linter.findings() } : { findings: linter.findings(), error: violation };
}

function walk(linter: Linter, dockerfile: Dockerfile, options: LintOptions, file: string, buildArgs: ReadonlyMap<string, string>): void {
  const escapeToken = dockerfile.escapeChar;
  const targetPlatform = options.targetPlatform ?? defaultPlatform;
  const buildPlatform = options.buildPlatform ?? targetPlatform;
  for (const w of dockerfile.warnings) {
    if (w.code === lintRules.NoEmptyContinuation.name) linter.report(lintRules.NoEmptyContinuation, [w.range], lintRules.NoEmptyContinuation.format());
  }

  const typed = typeInstructions(linter, dockerfile, file);
  checkStageNames(linter, typed.stages);
  checkKeywordCasing(linter, typed.stages);
  const lastName = typed.stages[typed.stages.length - 1]!.from.stageName?.value;
  const targetName = options.target !== undefined && options.target !== '' ? options.target : (lastName ?? '');
  const builtins = predefinedArgs(buildPlatform, targetPlatform, targetName, buildArgs);
  checkDefaultArgsInFrom(linter, typed.stages, typed.metaArgs, builtins, escapeToken);
  const scope = globalScope(typed.metaArgs, builtins, buildArgs, escapeToken);
  const stages = expandStages(linter, typed.stages, scope, escapeToken, targetPlatform);
  const links = linkStages(stages, options.target);
  const all = (options.scope ?? (options.target === undefined ? 'all' : 'target')) === 'all';
  const reached = reachableStages(links);

  const patterns = options.ignorePatterns ?? [];
  let ignore: PatternMatcher | undefined;
  try {
    const matcher = patterns.length > 0 ? new PatternMatcher(patterns) : undefined;
    // Exceptions make it too hard to tell statically whether a file is left out: BuildKit does not try.
    ignore = matcher?.exclusions === true ? undefined : matcher;
  } catch {
    ignore = undefined;
  }
  const ctx = { linter, escapeToken, buildArgs, globalArgs: scope.args, ignore };
  const states: (LintStageState | undefined)[] = [];
  for (const stage of stages) {
    if (!all && !reached.has(stage.index)) continue;
    const baseIndex = links.base[stage.index];
    let state: LintStageState;
    if (baseIndex !== undefined && states[baseIndex] !== undefined) {
      state = stateFromStage(states[baseIndex]);
    } else {
      const platform = stage.platform ?? targetPlatform;
      const image = stage.base.toLowerCase() === 'scratch' ? undefined : options.baseImage?.(stage.base, platform);
      if (image?.platform !== undefined && (image.platform.os !== platform.os || image.platform.architecture !== platform.architecture)) {
        linter.report(
          lintRules.InvalidBaseImagePlatform,
          [stage.from.range],
          lintRules.InvalidBaseImagePlatform.format(stage.base, platformText(platform), platformText(image.platform)),
          stage.from.node.comments,
        );
      }
      state = stateFromImage(image, platform);
    }
    states[stage.index] = state;
    for (const command of stage.commands) dispatchCommand(ctx, state, command);
  }
}

function platformText(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter((s) => s !== undefined && s !== '').join('/');
}

function rangesOf(error: unknown): readonly SourceRange[] {
  return error instanceof LocatedError ? error.ranges : [];
}
