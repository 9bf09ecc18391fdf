/** The command of RUN, CMD and ENTRYPOINT (BuildKit's `ShellDependantCmdLine`). */
import { handleJsonArgs, type ParseRequest } from './request.js';

/** A here-document of a RUN, to be handed to the shell or written to a file. */
export interface ShellInlineFile {
  /** The terminator word, quotes removed. */
  readonly name: string;
  /** The body as written: every line ends in `\n`, leading tabs kept even for `<<-`. */
  readonly data: string;
  /** True for `<<-`: the consumer strips leading tabs. */
  readonly chomp: boolean;
}

/** A command line in exec form (`prependShell` false) or shell form (one string, run with SHELL). */
export interface CommandLine {
  /**
   * Exec form: the argv. Shell form: one string, the text after the flags with
   * heredoc markers kept verbatim. `undefined` only for an empty ENTRYPOINT,
   * which clears the entrypoint.
   */
  readonly args: readonly string[] | undefined;
  /** Heredoc bodies, in marker order. */
  readonly files: readonly ShellInlineFile[];
  /** True for shell form: the stage's SHELL goes in front. */
  readonly prependShell: boolean;
}

/** BuildKit's `parseShellDependentCommand`; `emptyAsUndefined` is set for ENTRYPOINT. */
export function parseCommandLine(req: ParseRequest, emptyAsUndefined: boolean): CommandLine {
  const files = req.heredocs.map((heredoc) => ({ name: heredoc.name, data: heredoc.content, chomp: heredoc.chomp }));
  const args = handleJsonArgs(
    req.args.map((arg) => arg.value),
    req.json,
  );
  return {
    args: emptyAsUndefined && args.length === 0 ? undefined : args,
    files,
    prependShell: !req.json,
  };
}

/**
 * Removes leading tabs from every line of a `<<-` body (BuildKit's
 * `ChompHeredocContent`).
 */
export function chompHeredocContent(content: string): string {
  return content.replace(/^\t+/gm, '');
}
