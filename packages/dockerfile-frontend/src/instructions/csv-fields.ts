/**
 * One line of comma-separated fields with RFC 4180 quoting, as Go's
 * `encoding/csv` (and `go-csvvalue`) read a `--mount` or `--device` value.
 */
import { InstructionError } from './instruction-error.js';

/**
 * The fields of `text`. A field that starts with `"` is quoted: `""` inside
 * stands for one `"`, and the closing quote must end the field. Throws
 * `InstructionError` with Go's `parse error on line 1, column N: ...` for a
 * bare or extraneous quote, or an unclosed quoted field (columns 1-based).
 */
export function parseCsvFields(text: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw csvError(i + 1, 'extraneous or missing " in quoted-field');
        const ch = text[i];
        if (ch === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += ch;
        i++;
      }
      if (i < text.length && text[i] !== ',') throw csvError(i + 1, 'extraneous or missing " in quoted-field');
      fields.push(value);
    } else {
      let end = text.indexOf(',', i);
      if (end < 0) end = text.length;
      const value = text.slice(i, end);
      const quote = value.indexOf('"');
      if (quote >= 0) throw csvError(i + quote + 1, 'bare " in non-quoted-field');
      fields.push(value);
      i = end;
    }
    if (i >= text.length) return fields;
    i++; // the comma
  }
}

function csvError(column: number, what: string): InstructionError {
  return new InstructionError(`parse error on line 1, column ${column}: ${what}`);
}
