/**
 * @packageDocumentation
 * The light door of `@kiln/builder` (`@kiln/builder/syntax`): parsing,
 * outlining and linting Dockerfiles, with nothing of storage, registries or execution
 * loaded, so editors and short CLI commands start fast. Needs no root and no
 * daemon.
 */
export { parse, parseDockerfile, dumpDockerfile } from '@kiln/dockerfile-syntax';
export type {
  Dockerfile,
  Instruction,
  Argument,
  Flag,
  Heredoc,
  Directive,
  Comment,
  KeyValuePair,
  ParseWarning,
  Diagnostic,
  ParseResult,
} from '@kiln/dockerfile-syntax';
export { outline, type DockerfileOutline, type StageOutline, type OutlineOptions } from './outline.js';
export { lint, type LintOptions } from './lint/lint.js';
export { listLintRules, type LintResult, type LintFinding, type LintError, type LintLevel, type LintRuleName, type BaseImageInfo } from '@kiln/dockerfile-frontend';
