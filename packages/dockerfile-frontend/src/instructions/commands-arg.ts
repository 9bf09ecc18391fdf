/** ARG: build arguments, several per line (BuildKit's `parseArg`). */
import type { SourceRange } from '@kiln/errors';
import { InstructionError, errAtLeastOneArgument, errBlankCommandNames } from './instruction-error.js';
import { docComment } from './doc-comment.js';
import { baseOf, flagsOf, type InstructionBase, type ParseRequest } from './request.js';

/** One `name[=default]` of an ARG line. */
export interface ArgDefinition {
  readonly key: string;
  /** The default as written (quotes and `$` still in it); `undefined` when there is no `=`. */
  readonly value: string | undefined;
  /** The doc comment for this name (P-14), or empty. */
  readonly docComment: string;
  /** The `name[=default]` word. */
  readonly range: SourceRange;
}

/** `ARG name[=default] ...`. */
export interface ArgInstruction extends InstructionBase {
  readonly kind: 'arg';
  readonly args: readonly ArgDefinition[];
}

/** Parses ARG. */
export function parseArg(req: ParseRequest): ArgInstruction {
  if (req.args.length === 0) throw errAtLeastOneArgument(req.command);
  const args = req.args.map((arg): ArgDefinition => {
    const eq = arg.value.indexOf('=');
    const key = eq < 0 ? arg.value : arg.value.slice(0, eq);
    if (eq === 0) throw new InstructionError(errBlankCommandNames('ARG').message, arg.range);
    return {
      key,
      value: eq < 0 ? undefined : arg.value.slice(eq + 1),
      docComment: docComment(req.comments, key),
      range: arg.range,
    };
  });
  const flags = flagsOf(req, []);
  return { kind: 'arg', ...baseOf(req, flags), args };
}
