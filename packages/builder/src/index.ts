/**
 * @packageDocumentation
 * kiln's composition root and public library API, for the CLI, IDE plugins and
 * other programs: `parse` and (later) `lint` and `build`. Nothing here needs
 * root or a daemon to parse.
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
