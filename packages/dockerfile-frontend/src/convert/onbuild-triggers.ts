/** ONBUILD triggers: the stored trigger texts parsed back into instructions (BuildKit's `initOnBuildTriggers`). */
import { InvalidArgumentError } from '@kiln/errors';
import { parseDockerfile } from '@kiln/dockerfile-syntax';
import { parseInstruction, type Command } from '../instructions/instruction.js';

/**
 * Parses each trigger (one instruction each, heredoc bodies included) into
 * a command. Throws InvalidArgumentError `onbuild trigger should be a single
 * expression`, or the instruction's own error (`FROM isn't allowed as an
 * ONBUILD trigger` cannot come back: ONBUILD refused it when it was stored).
 */
export function parseTriggers(triggers: readonly string[]): Command[] {
  return triggers.map((trigger) => {
    const parsed = parseDockerfile(trigger);
    const [node, ...rest] = parsed.instructions;
    if (node === undefined || rest.length > 0) throw new InvalidArgumentError('onbuild trigger should be a single expression');
    const typed = parseInstruction(node);
    if (typed.kind === 'from') throw new InvalidArgumentError("FROM isn't allowed as an ONBUILD trigger");
    return typed;
  });
}
