/** Go's `time.ParseDuration`, which HEALTHCHECK's duration flags use. */
import { InstructionError } from './instruction-error.js';

const unitNanoseconds: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3, // U+00B5 micro sign
  'μs': 1e3, // U+03BC Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** The largest duration Go can hold (2^63 - 1 ns). */
const maxNanoseconds = 2 ** 63;

/**
 * Parses `[-+]?(<decimal><unit>)+` (units ns, us, µs, ms, s, m, h) or `0`
 * into **nanoseconds**. Precision is that of a double: exact up to about 104
 * days. Throws `InstructionError` with Go's messages: `time: invalid
 * duration "x"`, `time: missing unit in duration "x"`, `time: unknown unit
 * "u" in duration "x"`.
 */
export function parseGoDuration(text: string): number {
  const quoted = JSON.stringify(text);
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw new InstructionError(`time: invalid duration ${quoted}`);
  let total = 0;
  while (rest !== '') {
    const number = /^([0-9]*)(\.([0-9]*))?/.exec(rest);
    const whole = number?.[1] ?? '';
    const fraction = number?.[3] ?? '';
    if (whole === '' && fraction === '') throw new InstructionError(`time: invalid duration ${quoted}`);
    rest = rest.slice(number?.[0].length ?? 0);
    const unit = /^[^0-9.]*/.exec(rest)?.[0] ?? '';
    if (unit === '') throw new InstructionError(`time: missing unit in duration ${quoted}`);
    const scale = unitNanoseconds[unit];
    if (scale === undefined) throw new InstructionError(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    rest = rest.slice(unit.length);
    total += Number(`${whole === '' ? '0' : whole}.${fraction === '' ? '0' : fraction}`) * scale;
    if (total >= maxNanoseconds) throw new InstructionError(`time: invalid duration ${quoted}`);
  }
  return sign * Math.floor(total);
}
