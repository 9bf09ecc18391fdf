/** FROM: the start of a build stage (BuildKit's `parseFrom`, `parseBuildStageName`). */
import { InstructionError, type Located } from './instruction-error.js';
import { docComment } from './doc-comment.js';
import { baseOf, flagsOf, located, type InstructionBase, type ParseRequest } from './request.js';

/** `FROM [--platform=p] base [AS name]`, before any expansion. */
export interface FromInstruction extends InstructionBase {
  readonly kind: 'from';
  /** The base expression as written (`alpine:$V`, `scratch`, a stage name). */
  readonly baseName: Located;
  /** The stage name, lower-cased, when `AS name` is given; its range is the name as written. */
  readonly stageName: Located | undefined;
  /** The `--platform` value as written, when given; its range is the flag word. */
  readonly platform: Located | undefined;
  /** The doc comment for the stage name (P-14), or empty. */
  readonly docComment: string;
}

const validStageName = /^[a-z][a-z0-9\-_.]*$/;

/** True when `name` (already lower-cased) is a valid stage name: `^[a-z][a-z0-9-_.]*$`. */
export function isValidStageName(name: string): boolean {
  return validStageName.test(name);
}

/** Parses FROM; the argument shape and stage name are checked before the flags, as BuildKit does. */
export function parseFrom(req: ParseRequest): FromInstruction {
  const [base, as, name] = req.args;
  let stageName: Located | undefined;
  if (req.args.length === 3 && as !== undefined && name !== undefined && as.value.toLowerCase() === 'as') {
    const lower = name.value.toLowerCase();
    if (!isValidStageName(lower)) {
      throw new InstructionError(
        `invalid name for build stage: ${JSON.stringify(name.value)}, name can't start with a number or contain symbols`,
        name.range,
      );
    }
    stageName = { value: lower, range: name.range };
  } else if (req.args.length !== 1 || base === undefined) {
    throw new InstructionError('FROM requires either one or three arguments');
  }
  if (base === undefined) throw new InstructionError('FROM requires either one or three arguments');
  const flags = flagsOf(req, [{ name: 'platform', kind: 'string' }]);
  const platformRange = flags.ranges('platform')[0];
  const platform =
    flags.isUsed('platform') && platformRange !== undefined ? { value: flags.string('platform'), range: platformRange } : undefined;
  return {
    kind: 'from',
    ...baseOf(req, flags),
    baseName: located(base),
    stageName,
    platform,
    docComment: docComment(req.comments, stageName?.value ?? ''),
  };
}
