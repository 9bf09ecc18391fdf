/** `RUN --device=<name>[,required[=bool]]` (BuildKit's `commands_rundevice.go`, CDI devices). */
import { InstructionError } from './instruction-error.js';
import { parseCsvFields } from './csv-fields.js';
import { parseGoBool } from './go-values.js';
import { withSuggestion } from './suggest.js';

/** A device request: a CDI name (`vendor/class=name`, `vendor/class=*`) and whether the build fails without it. */
export interface RunDevice {
  readonly name: string;
  readonly required: boolean;
}

/**
 * Parses a `--device` value: the first field without a known key is the
 * name (it may contain `=`), `name=` sets it explicitly, `required` is bare
 * or `=bool`. Throws `InstructionError` (`device name already set to x`,
 * `invalid value for required: x`, `unexpected key ...`).
 */
export function parseRunDevice(text: string): RunDevice {
  let fields: string[];
  try {
    fields = parseCsvFields(text);
  } catch (error) {
    throw new InstructionError(`failed to parse csv devices: ${(error as Error).message}`, undefined, { cause: error });
  }
  let name = '';
  let required = false;
  for (const field of fields) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    if (eq < 0) {
      if (key === 'required') required = true;
      else if (name === '') name = field;
      else throw new InstructionError(`invalid field '${field}' must be a key=value pair`);
      continue;
    }
    const value = field.slice(eq + 1);
    if (key === 'name') {
      if (name !== '') throw new InstructionError(`device name already set to ${name}`);
      name = value;
    } else if (key === 'required') {
      const parsed = parseGoBool(value);
      if (parsed === undefined) throw new InstructionError(`invalid value for ${key}: ${value}`);
      required = parsed;
    } else if (name === '') {
      name = field;
    } else {
      throw new InstructionError(withSuggestion(`unexpected key '${key}' in '${field}'`, key, ['name', 'required'], true));
    }
  }
  return { name, required };
}
