import { InvalidArgumentError } from '@kiln/errors';

/*
 * Numeric ustar fields: NUL-terminated octal when the value fits, otherwise
 * GNU base-256 (first byte 0x80, big-endian two's complement in the rest),
 * which GNU tar, libarchive, Go and umoci all read.
 */

/** Largest value `width` bytes hold as octal digits plus a terminating NUL. */
export function maxOctal(width: number): number {
  return 8 ** (width - 1) - 1;
}

/** Writes `value` into `block[offset, offset+width)` as octal, or base-256 when it does not fit. */
export function writeNumeric(block: Buffer, offset: number, width: number, value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw new InvalidArgumentError(`tar numeric field: expected a safe integer, got ${value}`);
  }
  if (value >= 0 && value <= maxOctal(width)) {
    const digits = value.toString(8).padStart(width - 1, '0');
    block.write(digits, offset, width - 1, 'ascii');
    block[offset + width - 1] = 0;
    return;
  }
  let rest = BigInt(value);
  for (let i = width - 1; i >= 1; i--) {
    block[offset + i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  // 0x80 marks a positive base-256 number, 0xff a negative one.
  block[offset] = value < 0 ? 0xff : 0x80;
}

/**
 * Reads a numeric field: octal (leading spaces and trailing NUL/space
 * allowed, empty means 0) or base-256.
 *
 * @throws InvalidArgumentError when the field holds something else or a value beyond 2^53.
 */
export function readNumeric(block: Buffer, offset: number, width: number, field: string): number {
  const first = block[offset]!;
  if (first & 0x80) {
    let value = BigInt(first === 0xff ? -1 : first & 0x7f);
    for (let i = 1; i < width; i++) value = (value << 8n) | BigInt(block[offset + i]!);
    if (first === 0xff) value = BigInt.asIntN(8 * width, value);
    const n = Number(value);
    if (!Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`tar header field ${field}: base-256 value ${value} is beyond 2^53`);
    }
    return n;
  }
  const text = block.toString('latin1', offset, offset + width).replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) {
    throw new InvalidArgumentError(`tar header field ${field}: expected octal digits, got ${JSON.stringify(text)}`);
  }
  return parseInt(text, 8);
}
