/** CMD, ENTRYPOINT and SHELL: how the image's process is started. */
import { InstructionError, errAtLeastOneArgument } from './instruction-error.js';
import { parseCommandLine, type CommandLine } from './command-line.js';
import { baseOf, flagsOf, handleJsonArgs, type InstructionBase, type ParseRequest } from './request.js';

/** `CMD ["exec", "form"]` or `CMD shell form`. */
export interface CmdInstruction extends InstructionBase {
  readonly kind: 'cmd';
  readonly command: CommandLine;
}

/** `ENTRYPOINT ["exec", "form"]` or `ENTRYPOINT shell form`; an empty one clears the entrypoint. */
export interface EntrypointInstruction extends InstructionBase {
  readonly kind: 'entrypoint';
  readonly command: CommandLine;
}

/** `SHELL ["executable", "params"]`: JSON form only. */
export interface ShellInstruction extends InstructionBase {
  readonly kind: 'shell';
  readonly shell: readonly string[];
}

/** Parses CMD. */
export function parseCmd(req: ParseRequest): CmdInstruction {
  const flags = flagsOf(req, []);
  return { kind: 'cmd', ...baseOf(req, flags), command: parseCommandLine(req, false) };
}

/** Parses ENTRYPOINT. */
export function parseEntrypoint(req: ParseRequest): EntrypointInstruction {
  const flags = flagsOf(req, []);
  return { kind: 'entrypoint', ...baseOf(req, flags), command: parseCommandLine(req, true) };
}

/** Parses SHELL: at least one element, JSON form (BuildKit's `errNotJSON` otherwise, with its Windows path hint). */
export function parseShell(req: ParseRequest): ShellInstruction {
  const flags = flagsOf(req, []);
  const shell = handleJsonArgs(
    req.args.map((arg) => arg.value),
    req.json,
  );
  if (shell.length === 0) throw errAtLeastOneArgument(req.command);
  if (!req.json) throw errNotJson(req.command, req.original);
  return { kind: 'shell', ...baseOf(req, flags), shell };
}

/**
 * `X requires the arguments to be in JSON form`, with a hint when the text
 * looks like a JSON array holding an unescaped Windows path.
 */
export function errNotJson(command: string, original: string): InstructionError {
  const text = original
    .toLowerCase()
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
  const hint =
    /"[a-z]:\\.*/.test(text) && !text.includes('\\\\') && text.includes('[') && text.includes(']')
      ? `. It looks like '${text}' includes a file path without an escaped back-slash. JSON requires back-slashes to be escaped such as ["c:\\\\path\\\\to\\\\file.exe", "/parameter"]`
      : '';
  return new InstructionError(`${command} requires the arguments to be in JSON form${hint}`);
}
