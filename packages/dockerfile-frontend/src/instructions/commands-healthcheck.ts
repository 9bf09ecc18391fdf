/** HEALTHCHECK (BuildKit's `parseHealthcheck`). */
import { InstructionError, errAtLeastOneArgument } from './instruction-error.js';
import { parseGoDuration } from './duration.js';
import type { FlagValues } from './flags.js';
import { baseOf, flagsOf, handleJsonArgs, type InstructionBase, type ParseRequest } from './request.js';

/** The image config's health check. Durations are **nanoseconds**; 0 means "use the runtime default". */
export interface HealthConfig {
  /** `["NONE"]`, `["CMD", argv...]` (exec form) or `["CMD-SHELL", "command"]` (shell form). */
  readonly test: readonly string[];
  readonly interval: number;
  readonly timeout: number;
  readonly startPeriod: number;
  readonly startInterval: number;
  /** 0 when not given. */
  readonly retries: number;
}

/** `HEALTHCHECK NONE` or `HEALTHCHECK [flags] CMD command`. */
export interface HealthcheckInstruction extends InstructionBase {
  readonly kind: 'healthcheck';
  readonly health: HealthConfig;
}

/** The shortest non-zero interval Docker accepts: 1ms. */
const minimumDuration = 1e6;

/**
 * A duration flag's value in nanoseconds: 0 when empty or zero; throws
 * `InstructionError` (`Interval "name" cannot be less than 1ms`) for a
 * positive or negative value below 1ms, or Go's parse error.
 */
export function parseHealthInterval(name: string, value: string): number {
  if (value === '') return 0;
  const nanoseconds = parseGoDuration(value);
  if (nanoseconds === 0) return 0;
  if (nanoseconds < minimumDuration) throw new InstructionError(`Interval ${JSON.stringify(name)} cannot be less than 1ms`);
  return nanoseconds;
}

const healthFlags = [
  { name: 'interval', kind: 'string' },
  { name: 'timeout', kind: 'string' },
  { name: 'start-period', kind: 'string' },
  { name: 'start-interval', kind: 'string' },
  { name: 'retries', kind: 'string' },
] as const;

/** Parses HEALTHCHECK. `NONE` takes no flags and no arguments. */
export function parseHealthcheck(req: ParseRequest): HealthcheckInstruction {
  const [first, ...rest] = req.args;
  if (first === undefined) throw errAtLeastOneArgument(req.command);
  const type = first.value.toUpperCase();
  if (type === 'NONE') {
    if (rest.length !== 0) throw new InstructionError('HEALTHCHECK NONE takes no arguments');
    const flags = flagsOf(req, []);
    const health = { test: ['NONE'], interval: 0, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0 };
    return { kind: 'healthcheck', ...baseOf(req, flags), health };
  }
  const flags = flagsOf(req, healthFlags);
  if (type !== 'CMD') throw new InstructionError(`Unknown type ${JSON.stringify(type)} in HEALTHCHECK (try CMD)`, first.range);
  const command = handleJsonArgs(
    rest.map((arg) => arg.value),
    req.json,
  );
  if (command.length === 0) throw new InstructionError('Missing command after HEALTHCHECK CMD');
  const health: HealthConfig = {
    test: [req.json ? 'CMD' : 'CMD-SHELL', ...command],
    interval: interval(flags, 'interval'),
    timeout: interval(flags, 'timeout'),
    startPeriod: interval(flags, 'start-period'),
    startInterval: interval(flags, 'start-interval'),
    retries: retries(flags),
  };
  return { kind: 'healthcheck', ...baseOf(req, flags), health };
}

function interval(flags: FlagValues, name: string): number {
  try {
    return parseHealthInterval(name, flags.string(name));
  } catch (error) {
    if (error instanceof InstructionError && error.part === undefined) {
      throw new InstructionError(error.message, flags.ranges(name)[0], { cause: error.cause });
    }
    throw error;
  }
}

function retries(flags: FlagValues): number {
  const value = flags.string('retries');
  if (value === '') return 0;
  const at = flags.ranges('retries')[0];
  const n = /^[+-]?[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isNaN(n)) throw new InstructionError(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`, at);
  if (n > 2 ** 31 - 1 || n < -(2 ** 31)) {
    throw new InstructionError(`strconv.ParseInt: parsing ${JSON.stringify(value)}: value out of range`, at);
  }
  if (n < 0) throw new InstructionError(`--retries cannot be negative (${n})`, at);
  return n;
}
