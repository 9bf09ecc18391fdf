/** `COPY --chmod` values: octal up to 07777, or chmod(1) symbolic modes such as `u=rwX,go=rX`. */
import { InvalidArgumentError } from '@kiln/errors';

const symbolicClause = /^[ugoa]*(?:[-+=](?:[rwxXst]*|[ugo]))+$/;

/**
 * The mode of a `--chmod` value: a number for octal, the text for a symbolic
 * mode (applied per file by the worker). Throws InvalidArgumentError with
 * BuildKit's `invalid chmod parameter: 'v'. it should be octal string and
 * between 0 and 07777` for numbers out of range or not octal, and for a
 * symbolic mode that does not parse.
 */
export function parseChmod(value: string): number | string {
  const nonOctal = new InvalidArgumentError(`invalid chmod parameter: '${value}'. it should be octal string and between 0 and 07777`);
  if (/^\d/.test(value)) {
    if (!/^[0-7]+$/.test(value)) throw nonOctal;
    const mode = Number.parseInt(value, 8);
    if (mode > 0o7777) throw nonOctal;
    return mode;
  }
  if (value === '' || !value.split(',').every((clause) => symbolicClause.test(clause))) {
    throw new InvalidArgumentError(`invalid chmod parameter: '${value}'. it should be octal string between 0 and 07777 or a symbolic mode such as u=rwX,go=rX`);
  }
  return value;
}
