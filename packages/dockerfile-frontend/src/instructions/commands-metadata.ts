/**
 * Instructions that only set image metadata or build state: ENV, LABEL,
 * MAINTAINER, USER, WORKDIR, VOLUME and STOPSIGNAL. Values stay as written;
 * expansion happens when the stage is converted.
 */
import {
  InstructionError,
  errAtLeastOneArgument,
  errBlankCommandNames,
  errExactlyOneArgument,
  errTooManyArguments,
  type Located,
} from './instruction-error.js';
import { baseOf, flagsOf, located, type InstructionBase, type ParseRequest } from './request.js';

/** One ENV or LABEL pair. */
export interface KeyValuePair {
  readonly key: Located;
  readonly value: Located;
  /** True for the legacy `ENV key value` form (no `=`), which the LegacyKeyValueFormat check reports. */
  readonly noDelimiter: boolean;
}

/** `ENV key=value ...`. */
export interface EnvInstruction extends InstructionBase {
  readonly kind: 'env';
  readonly env: readonly KeyValuePair[];
}

/** `LABEL key=value ...`. */
export interface LabelInstruction extends InstructionBase {
  readonly kind: 'label';
  readonly labels: readonly KeyValuePair[];
}

/** `MAINTAINER name` (deprecated; sets the image author). */
export interface MaintainerInstruction extends InstructionBase {
  readonly kind: 'maintainer';
  readonly maintainer: Located;
}

/** `USER user[:group]`. */
export interface UserInstruction extends InstructionBase {
  readonly kind: 'user';
  readonly user: Located;
}

/** `WORKDIR path`. */
export interface WorkdirInstruction extends InstructionBase {
  readonly kind: 'workdir';
  readonly path: Located;
}

/** `VOLUME path ...` or `VOLUME ["path", ...]`; each path trimmed of blanks. */
export interface VolumeInstruction extends InstructionBase {
  readonly kind: 'volume';
  readonly volumes: readonly Located[];
}

/** `STOPSIGNAL signal`; the signal is checked after expansion, at conversion. */
export interface StopSignalInstruction extends InstructionBase {
  readonly kind: 'stopsignal';
  readonly signal: Located;
}

/**
 * BuildKit's `parseKvps`: the syntax layer spells each pair as a key, value,
 * separator triple; anything else is malformed.
 */
function parseKeyValuePairs(req: ParseRequest): KeyValuePair[] {
  const args = req.args;
  if (args.length === 0) throw errAtLeastOneArgument(req.command);
  if (args.length % 3 !== 0) throw errTooManyArguments(req.command);
  const pairs: KeyValuePair[] = [];
  for (let i = 0; i < args.length; i += 3) {
    const key = args[i];
    const value = args[i + 1];
    const separator = args[i + 2];
    if (key === undefined || value === undefined || separator === undefined) break;
    if (key.value.length === 0) {
      const error = errBlankCommandNames(req.command);
      throw new InstructionError(error.message, key.range);
    }
    pairs.push({ key: located(key), value: located(value), noDelimiter: separator.value === '' });
  }
  return pairs;
}

/** Parses ENV. */
export function parseEnv(req: ParseRequest): EnvInstruction {
  const flags = flagsOf(req, []);
  return { kind: 'env', ...baseOf(req, flags), env: parseKeyValuePairs(req) };
}

/** Parses LABEL. */
export function parseLabel(req: ParseRequest): LabelInstruction {
  const flags = flagsOf(req, []);
  return { kind: 'label', ...baseOf(req, flags), labels: parseKeyValuePairs(req) };
}

function exactlyOne(req: ParseRequest): Located {
  const [only] = req.args;
  if (only === undefined || req.args.length !== 1) throw errExactlyOneArgument(req.command);
  return located(only);
}

/** Parses MAINTAINER: the argument count is checked before the flags, as BuildKit does. */
export function parseMaintainer(req: ParseRequest): MaintainerInstruction {
  const maintainer = exactlyOne(req);
  const flags = flagsOf(req, []);
  return { kind: 'maintainer', ...baseOf(req, flags), maintainer };
}

/** Parses USER. */
export function parseUser(req: ParseRequest): UserInstruction {
  const user = exactlyOne(req);
  const flags = flagsOf(req, []);
  return { kind: 'user', ...baseOf(req, flags), user };
}

/** Parses WORKDIR. */
export function parseWorkdir(req: ParseRequest): WorkdirInstruction {
  const path = exactlyOne(req);
  const flags = flagsOf(req, []);
  return { kind: 'workdir', ...baseOf(req, flags), path };
}

/**
 * Parses STOPSIGNAL. BuildKit does not check STOPSIGNAL's flags at all; kiln
 * rejects them like every other instruction without flags.
 */
export function parseStopSignal(req: ParseRequest): StopSignalInstruction {
  const signal = exactlyOne(req);
  const flags = flagsOf(req, []);
  return { kind: 'stopsignal', ...baseOf(req, flags), signal };
}

/** Parses VOLUME; an empty entry is an error. */
export function parseVolume(req: ParseRequest): VolumeInstruction {
  if (req.args.length === 0) throw errAtLeastOneArgument(req.command);
  const flags = flagsOf(req, []);
  const volumes = req.args.map((arg) => {
    const value = arg.value.trim();
    if (value === '') throw new InstructionError('VOLUME specified can not be an empty string', arg.range);
    return { value, range: arg.range };
  });
  return { kind: 'volume', ...baseOf(req, flags), volumes };
}
