/**
 * BuildKit's build-check rules (`frontend/dockerfile/linter/ruleset.go`):
 * each rule's name, description, documentation URL and message. Kiln reports
 * them with exactly BuildKit's words so that tools reading either agree.
 */

/** One build-check rule. */
export interface LintRule<A extends readonly unknown[] = readonly string[]> {
  /** The rule's name, e.g. `FromAsCasing`; what `# check=skip=` names. */
  readonly name: string;
  /** One sentence on what the rule wants (BuildKit's `Description`). */
  readonly description: string;
  /** The rule's documentation page; empty for InvalidBaseImagePlatform, which has none. */
  readonly url: string;
  /** Experimental rules run only when `# check=experimental=` names them (or says `all`). */
  readonly experimental: boolean;
  /** The finding's message (BuildKit's detail) from the rule's parameters. */
  readonly format: (...args: A) => string;
}

/** Go's `%q` for the strings these messages quote: JSON's escaping is the same for printable text. */
function q(s: string): string {
  return JSON.stringify(s);
}

function docs(slug: string): string {
  return `https://docs.docker.com/go/dockerfile/rule/${slug}/`;
}

function rule<A extends readonly unknown[]>(
  name: string,
  description: string,
  url: string,
  format: (...args: A) => string,
  experimental = false,
): LintRule<A> {
  return { name, description, url, experimental, format };
}

/** The 22 rules, by name. */
export const lintRules = {
  StageNameCasing: rule('StageNameCasing', 'Stage names should be lowercase', docs('stage-name-casing'), (stage: string) => `Stage name '${stage}' should be lowercase`),
  FromAsCasing: rule(
    'FromAsCasing',
    "The 'as' keyword should match the case of the 'from' keyword",
    docs('from-as-casing'),
    (from: string, as: string) => `'${as}' and '${from}' keywords' casing do not match`,
  ),
  NoEmptyContinuation: rule('NoEmptyContinuation', 'Empty continuation lines will become errors in a future release', docs('no-empty-continuation'), () => 'Empty continuation line'),
  ConsistentInstructionCasing: rule(
    'ConsistentInstructionCasing',
    'All commands within the Dockerfile should use the same casing (either upper or lower)',
    docs('consistent-instruction-casing'),
    (command: string, casing: string) => `Command '${command}' should match the case of the command majority (${casing})`,
  ),
  DuplicateStageName: rule('DuplicateStageName', 'Stage names should be unique', docs('duplicate-stage-name'), (stage: string) => `Duplicate stage name ${q(stage)}, stage names should be unique`),
  ReservedStageName: rule(
    'ReservedStageName',
    'Reserved words should not be used as stage names',
    docs('reserved-stage-name'),
    (reserved: string) => `Stage name should not use the same name as reserved stage ${q(reserved)}`,
  ),
  JSONArgsRecommended: rule(
    'JSONArgsRecommended',
    'JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals',
    docs('json-args-recommended'),
    (instruction: string) => `JSON arguments recommended for ${instruction} to prevent unintended behavior related to OS signals`,
  ),
  MaintainerDeprecated: rule(
    'MaintainerDeprecated',
    'The MAINTAINER instruction is deprecated, use a label instead to define an image author',
    docs('maintainer-deprecated'),
    () => 'Maintainer instruction is deprecated in favor of using label',
  ),
  UndefinedArgInFrom: rule(
    'UndefinedArgInFrom',
    'FROM command must use declared ARGs',
    docs('undefined-arg-in-from'),
    (arg: string, suggestion: string | undefined) => `FROM argument '${arg}' is not declared${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}`,
  ),
  WorkdirRelativePath: rule(
    'WorkdirRelativePath',
    'Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes',
    docs('workdir-relative-path'),
    (path: string) => `Relative workdir ${q(path)} can have unexpected results if the base image changes`,
  ),
  UndefinedVar: rule(
    'UndefinedVar',
    'Variables should be defined before their use',
    docs('undefined-var'),
    (name: string, suggestion: string | undefined) => `Usage of undefined variable '$${name}'${suggestion === undefined ? '' : ` (did you mean $${suggestion}?)`}`,
  ),
  MultipleInstructionsDisallowed: rule(
    'MultipleInstructionsDisallowed',
    'Multiple instructions of the same type should not be used in the same stage',
    docs('multiple-instructions-disallowed'),
    (instruction: string) => `Multiple ${instruction} instructions should not be used in the same stage because only the last one will be used`,
  ),
  LegacyKeyValueFormat: rule(
    'LegacyKeyValueFormat',
    'Legacy key/value format with whitespace separator should not be used',
    docs('legacy-key-value-format'),
    (instruction: string) => `"${instruction} key=value" should be used instead of legacy "${instruction} key value" format`,
  ),
  InvalidBaseImagePlatform: rule(
    'InvalidBaseImagePlatform',
    'Base image platform does not match expected target platform',
    '',
    (image: string, expected: string, actual: string) => `Base image ${image} was pulled with platform ${q(actual)}, expected ${q(expected)} for current build`,
  ),
  RedundantTargetPlatform: rule(
    'RedundantTargetPlatform',
    'Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior',
    docs('redundant-target-platform'),
    (expression: string) => `Setting platform to predefined ${expression} in FROM is redundant as this is the default behavior`,
  ),
  SecretsUsedInArgOrEnv: rule(
    'SecretsUsedInArgOrEnv',
    'Sensitive data should not be used in the ARG or ENV commands',
    docs('secrets-used-in-arg-or-env'),
    (instruction: string, key: string) => `Do not use ARG or ENV instructions for sensitive data (${instruction} ${q(key)})`,
  ),
  InvalidDefaultArgInFrom: rule(
    'InvalidDefaultArgInFrom',
    'Default value for global ARG results in an empty or invalid base image name',
    docs('invalid-default-arg-in-from'),
    (expression: string) => `Default value for ARG ${expression} results in empty or invalid base image name`,
  ),
  FromPlatformFlagConstDisallowed: rule(
    'FromPlatformFlagConstDisallowed',
    'FROM --platform flag should not use a constant value',
    docs('from-platform-flag-const-disallowed'),
    (platform: string) => `FROM --platform flag should not use constant value ${q(platform)}`,
  ),
  CopyIgnoredFile: rule(
    'CopyIgnoredFile',
    'Attempting to Copy file that is excluded by .dockerignore',
    docs('copy-ignored-file'),
    (command: 'Copy' | 'Add', path: string) => `Attempting to ${command} file ${q(path)} that is excluded by .dockerignore`,
  ),
  InvalidDefinitionDescription: rule(
    'InvalidDefinitionDescription',
    'Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.',
    docs('invalid-definition-description'),
    (instruction: 'FROM' | 'ARG', name: string) => `Comment for ${instruction} should follow the format: \`# ${name} <description>\``,
    true,
  ),
  ExposeProtoCasing: rule(
    'ExposeProtoCasing',
    'Protocol in EXPOSE instruction should be lowercase',
    docs('expose-proto-casing'),
    (port: string) => `Defined protocol '${port}' in EXPOSE instruction should be lowercase`,
  ),
  ExposeInvalidFormat: rule(
    'ExposeInvalidFormat',
    'IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release',
    docs('expose-invalid-format'),
    (port: string) => `EXPOSE instruction should not define an IP address or host-port mapping, found '${port}'`,
  ),
} as const;

/** A rule's name. */
export type LintRuleName = keyof typeof lintRules;

/** Every rule, in BuildKit's order, as plain data (for listings and documentation). */
export function listLintRules(): readonly { readonly name: LintRuleName; readonly description: string; readonly url: string; readonly experimental: boolean }[] {
  return (Object.keys(lintRules) as LintRuleName[]).map((name) => {
    const r = lintRules[name];
    return { name, description: r.description, url: r.url, experimental: r.experimental };
  });
}
