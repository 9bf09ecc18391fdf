/** STOPSIGNAL validation (moby's `signal.ParseSignal` with the Linux signal table). */
import { InvalidArgumentError } from '@kiln/errors';

const names = new Set([
  'ABRT', 'ALRM', 'BUS', 'CHLD', 'CLD', 'CONT', 'FPE', 'HUP', 'ILL', 'INT', 'IO', 'IOT', 'KILL', 'PIPE', 'POLL', 'PROF',
  'PWR', 'QUIT', 'SEGV', 'STKFLT', 'STOP', 'SYS', 'TERM', 'TRAP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'USR1', 'USR2',
  'VTALRM', 'WINCH', 'XCPU', 'XFSZ', 'RTMIN', 'RTMAX',
  ...Array.from({ length: 15 }, (_, i) => `RTMIN+${i + 1}`),
  ...Array.from({ length: 14 }, (_, i) => `RTMAX-${14 - i}`),
]);

/**
 * Checks a STOPSIGNAL value: a non-zero number, or a Linux signal name with
 * or without `SIG`, in any case. Throws InvalidArgumentError `Invalid signal: x`.
 */
export function checkStopSignal(signal: string): void {
  if (/^[+-]?\d+$/.test(signal)) {
    if (Number(signal) !== 0) return;
  } else if (names.has(signal.toUpperCase().replace(/^SIG/, ''))) {
    return;
  }
  throw new InvalidArgumentError(`Invalid signal: ${signal}`);
}
