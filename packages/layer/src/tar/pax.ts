import { InvalidArgumentError } from '@kiln/errors';

/*
 * PAX extended header records, `"<len> <key>=<value>\n"`, where `<len>` counts
 * the whole record including its own digits. Values stay Buffers end to end:
 * xattr values such as `security.capability` are binary, and decoding them as
 * UTF-8 (tar-stream's mistake) corrupts them.
 */

/** Encodes records in the given order; keys are UTF-8, values raw bytes. */
export function encodePaxRecords(records: ReadonlyMap<string, Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of records) {
    const keyBytes = Buffer.from(key, 'utf8');
    const body = keyBytes.length + value.length + 3; // space, '=', newline
    // The length counts its own digits: iterate to the fixed point (at most twice).
    let length = body + 1;
    while (body + String(length).length !== length) length = body + String(length).length;
    parts.push(Buffer.from(`${length} `, 'ascii'), keyBytes, Buffer.from('=', 'ascii'), value, Buffer.from('\n', 'ascii'));
  }
  return Buffer.concat(parts);
}

/**
 * Decodes a PAX header body into records (later records with the same key win,
 * as POSIX says).
 *
 * @throws InvalidArgumentError when a record's length or shape is malformed.
 */
export function decodePaxRecords(body: Buffer): Map<string, Buffer> {
  const records = new Map<string, Buffer>();
  let at = 0;
  while (at < body.length) {
    // GNU tar pads some headers with NULs after the last record.
    if (body[at] === 0) break;
    const space = body.indexOf(0x20, at);
    const lengthText = space < 0 ? '' : body.toString('ascii', at, space);
    const length = /^[1-9][0-9]*$/.test(lengthText) ? Number(lengthText) : NaN;
    if (!Number.isSafeInteger(length) || at + length > body.length || body[at + length - 1] !== 0x0a) {
      throw new InvalidArgumentError(
        `malformed PAX record at byte ${at}: expected "<length> <key>=<value>\\n", got ${JSON.stringify(body.toString('latin1', at, Math.min(body.length, at + 40)))}`,
      );
    }
    const record = body.subarray(space + 1, at + length - 1);
    const equals = record.indexOf(0x3d);
    if (equals <= 0) {
      throw new InvalidArgumentError(`malformed PAX record at byte ${at}: no "key=" in ${JSON.stringify(record.toString('latin1'))}`);
    }
    // Copy: the body buffer is reused by the reader.
    records.set(record.toString('utf8', 0, equals), Buffer.from(record.subarray(equals + 1)));
    at += length;
  }
  return records;
}
