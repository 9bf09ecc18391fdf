/**
 * RUN and its flags: `--mount` (repeatable), `--network`, `--security`,
 * `--device` (repeatable). BuildKit registers each flag from its own file
 * through hooks; here the flags are declared in one table and each value is
 * checked by the file that owns it.
 */
import { InstructionError, type Located } from './instruction-error.js';
import { parseCommandLine, type CommandLine } from './command-line.js';
import { checkRunMountSyntax } from './commands-runmount.js';
import { parseRunDevice, type RunDevice } from './commands-rundevice.js';
import { baseOf, flagsOf, type InstructionBase, type ParseRequest } from './request.js';

/** `RUN --network` values. */
export const networkModes = ['default', 'none', 'host'] as const;
/** One of {@link networkModes}. */
export type NetworkMode = (typeof networkModes)[number];

/** `RUN --security` values. */
export const securityModes = ['sandbox', 'insecure'] as const;
/** One of {@link securityModes}. */
export type SecurityMode = (typeof securityModes)[number];

/** `RUN [flags] command`. */
export interface RunInstruction extends InstructionBase {
  readonly kind: 'run';
  readonly command: CommandLine;
  /**
   * `--mount` values as written, with the flag word's range. Their CSV shape
   * is checked; expand and build them with `parseRunMount` at conversion.
   */
  readonly mounts: readonly Located[];
  readonly network: NetworkMode;
  readonly security: SecurityMode;
  readonly devices: readonly RunDevice[];
  /** The flags written, each once, in order of first appearance. */
  readonly flagsUsed: readonly string[];
}

/** Parses RUN. */
export function parseRun(req: ParseRequest): RunInstruction {
  const flags = flagsOf(req, [
    { name: 'device', kind: 'strings' },
    { name: 'mount', kind: 'strings' },
    { name: 'network', kind: 'string', defaultValue: 'default' },
    { name: 'security', kind: 'string', defaultValue: 'sandbox' },
  ]);
  const command = parseCommandLine(req, false);
  const deviceRanges = flags.ranges('device');
  const devices = flags.strings('device').map((text, i) => at(deviceRanges[i], () => parseRunDevice(text)));
  const mountRanges = flags.ranges('mount');
  const mounts = flags.strings('mount').map((text, i) => {
    const range = mountRanges[i] ?? req.node.range;
    at(range, () => checkRunMountSyntax(text));
    return { value: text, range };
  });
  const networkValue = flags.string('network');
  const network = networkModes.find((mode) => mode === networkValue);
  if (network === undefined) {
    throw new InstructionError(`invalid network mode ${JSON.stringify(networkValue)}`, flags.ranges('network')[0]);
  }
  const securityValue = flags.string('security');
  const security = securityModes.find((mode) => mode === securityValue);
  if (security === undefined) {
    throw new InstructionError(`security ${JSON.stringify(securityValue)} is not valid`, flags.ranges('security')[0]);
  }
  return { kind: 'run', ...baseOf(req, flags), command, mounts, network, security, devices, flagsUsed: flags.used };
}

/** Runs `check`, pointing an `InstructionError` it throws without a place at `range`. */
function at<T>(range: InstructionError['part'], check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof InstructionError && error.part === undefined && range !== undefined) {
      throw new InstructionError(error.message, range, { cause: error.cause });
    }
    throw error;
  }
}
