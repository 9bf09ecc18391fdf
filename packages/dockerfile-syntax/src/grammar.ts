/** The grammars as data, for documentation tools (`grammar/generate.mjs`) and the grammar test. */
import type { ISerializedGast } from 'chevrotain';
import { InstructionParser } from './instruction-parser.js';
import { JsonArrayParser } from './json-array.js';

/**
 * Builds fresh parsers WITH chevrotain's grammar validations (the shared
 * parsers skip them for start-up time) and returns their serialized grammars
 * (`getSerializedGastProductions`). Throws chevrotain's definition error if a
 * grammar is ambiguous or malformed. Costs tens of milliseconds.
 */
export function serializedGrammars(): { instruction: ISerializedGast[]; jsonArray: ISerializedGast[] } {
  return { instruction: new InstructionParser(true, true).getSerializedGastProductions(), jsonArray: new JsonArrayParser(true).getSerializedGastProductions() };
}
