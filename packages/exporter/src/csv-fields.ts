import { InvalidArgumentError } from '@kiln/errors';

/**
 * Splits one line into comma-separated fields the way Go's `encoding/csv`
 * reads a record (what buildx uses for `--output`): a field that starts with
 * `"` is quoted, may hold commas, and writes a literal quote as `""`; a quote
 * inside an unquoted field is an error, as is text after a closing quote.
 * Spaces are kept.
 *
 * @param what names the input in error messages (`output "…"`).
 * @throws InvalidArgumentError quoting the input and the 1-based column of a
 *   misplaced or unclosed quote.
 */
export function splitCsvFields(text: string, what: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let field = '';
      let j = i + 1;
      for (;;) {
        const quote = text.indexOf('"', j);
        if (quote === -1) throw new InvalidArgumentError(`${what}: the quoted field that starts at column ${i + 1} is never closed`);
        field += text.slice(j, quote);
        if (text[quote + 1] === '"') {
          field += '"';
          j = quote + 2;
          continue;
        }
        j = quote + 1;
        break;
      }
      if (j < text.length && text[j] !== ',') {
        throw new InvalidArgumentError(`${what}: expected a comma after the quoted field at column ${j + 1}, got ${JSON.stringify(text[j])}`);
      }
      fields.push(field);
      if (j >= text.length) return fields;
      i = j + 1;
      continue;
    }
    const comma = text.indexOf(',', i);
    const field = comma === -1 ? text.slice(i) : text.slice(i, comma);
    const bare = field.indexOf('"');
    if (bare !== -1) {
      throw new InvalidArgumentError(`${what}: a quote at column ${i + bare + 1} inside an unquoted field; quote the whole field ("key=a,b") and double inner quotes`);
    }
    fields.push(field);
    if (comma === -1) return fields;
    i = comma + 1;
  }
}
