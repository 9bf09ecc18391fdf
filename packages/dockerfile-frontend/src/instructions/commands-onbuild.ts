/** ONBUILD (BuildKit's `parseOnBuild`). */
import type { Instruction } from '@kiln/dockerfile-syntax';
import { InstructionError, errAtLeastOneArgument } from './instruction-error.js';
import { baseOf, flagsOf, type InstructionBase, type ParseRequest } from './request.js';

/** `ONBUILD instruction`: a trigger stored in the image and run by builds that use it as a base. */
export interface OnbuildInstruction extends InstructionBase {
  readonly kind: 'onbuild';
  /**
   * The trigger text as stored in the image config: the instruction after
   * `ONBUILD`, each heredoc's body and terminator appended on new lines.
   */
  readonly expression: string;
  /** The wrapped instruction's syntax node (not yet checked: triggers are parsed when they run). */
  readonly trigger: Instruction | undefined;
}

/** Parses ONBUILD: `ONBUILD ONBUILD`, `ONBUILD FROM` and `ONBUILD MAINTAINER` are errors. */
export function parseOnbuild(req: ParseRequest): OnbuildInstruction {
  const trigger = req.node.child;
  const keyword = trigger?.keyword ?? req.args[0]?.value;
  if (keyword === undefined) throw errAtLeastOneArgument(req.command);
  const flags = flagsOf(req, []);
  const triggerName = keyword.trim().toUpperCase();
  if (triggerName === 'ONBUILD') throw new InstructionError("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  if (triggerName === 'MAINTAINER' || triggerName === 'FROM') {
    throw new InstructionError(`${triggerName} isn't allowed as an ONBUILD trigger`);
  }
  let expression = req.original.replace(/^\s*ONBUILD\s*/i, '');
  for (const heredoc of req.heredocs) expression += `\n${heredoc.content}${heredoc.name}`;
  return { kind: 'onbuild', ...baseOf(req, flags), expression, trigger };
}
