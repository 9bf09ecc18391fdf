/**
 * The flag grammar of instructions (BuildKit's `BFlags`): each instruction
 * declares the `--name[=value]` flags it takes, then the flag words the
 * parser split off are checked against that declaration.
 */
import type { SourceRange } from '@kiln/errors';
import { InstructionError } from './instruction-error.js';
import { withSuggestion } from './suggest.js';

/**
 * How a flag takes values: `bool` (`--f`, `--f=true`, `--f=false`, case
 * ignored), `string` (`--f=v`, the `=` required, once), `strings` (`--f=v`,
 * repeatable, values collected in order).
 */
export type FlagKind = 'bool' | 'string' | 'strings';

/** One declared flag. `defaultValue` is for `bool` and `string` flags; `strings` flags start empty. */
export interface FlagSpec {
  readonly name: string;
  readonly kind: FlagKind;
  readonly defaultValue?: string | boolean;
}

/** A flag word as the syntax layer hands it over: `--name[=value]`, quotes already removed. */
export interface FlagWord {
  readonly text: string;
  /** Where the word was written, if known; errors point at it. */
  readonly range?: SourceRange;
}

/** The outcome of {@link parseFlags}: values by flag name, with defaults for flags not given. */
export class FlagValues {
  readonly #specs: ReadonlyMap<string, FlagSpec>;
  readonly #values: Map<string, string>;
  readonly #lists: Map<string, string[]>;
  readonly #ranges: Map<string, SourceRange[]>;
  readonly #used: string[];

  /** @internal Built by {@link parseFlags}. */
  constructor(
    specs: ReadonlyMap<string, FlagSpec>,
    values: Map<string, string>,
    lists: Map<string, string[]>,
    ranges: Map<string, SourceRange[]>,
    used: string[],
  ) {
    this.#specs = specs;
    this.#values = values;
    this.#lists = lists;
    this.#ranges = ranges;
    this.#used = used;
  }

  /** The value of a `string` flag, or its default. Throws `InstructionError` for an undeclared or non-string flag (a programming error). */
  string(name: string): string {
    this.#expect(name, 'string');
    return this.#values.get(name) ?? '';
  }

  /** The value of a `bool` flag, or its default. */
  bool(name: string): boolean {
    this.#expect(name, 'bool');
    return this.#values.get(name) === 'true';
  }

  /** The values of a `strings` flag, in the order given (empty when not given). */
  strings(name: string): readonly string[] {
    this.#expect(name, 'strings');
    return this.#lists.get(name) ?? [];
  }

  /** True when the flag was written at least once. */
  isUsed(name: string): boolean {
    return this.#ranges.has(name);
  }

  /** Names of the flags written, each once, in order of first appearance (BuildKit's `FlagsUsed`). */
  get used(): readonly string[] {
    return this.#used;
  }

  /** Where each occurrence of the flag was written (empty when not given or when ranges were not supplied). */
  ranges(name: string): readonly SourceRange[] {
    return this.#ranges.get(name) ?? [];
  }

  #expect(name: string, kind: FlagKind): void {
    const spec = this.#specs.get(name);
    if (spec === undefined || spec.kind !== kind) {
      throw new InstructionError(`flag --${name} is not declared as a ${kind} flag`);
    }
  }
}

/**
 * Checks `words` against `specs` and returns the values. A bare `--` ends
 * flag parsing (the rest is ignored, as in BuildKit). Throws
 * `InstructionError` with BuildKit's messages: `unknown flag: --x` (with a
 * "did you mean --y?" from the declared names), `duplicate flag specified:
 * --x` (list flags may repeat), `missing a value on flag: --x`, `expecting
 * boolean value for flag --x, not: v`, `arg should start with -- : w`.
 */
export function parseFlags(words: readonly FlagWord[], specs: readonly FlagSpec[]): FlagValues {
  const declared = new Map<string, FlagSpec>();
  const values = new Map<string, string>();
  for (const spec of specs) {
    if (declared.has(spec.name)) throw new InstructionError(`error setting up flags: Duplicate flag defined: ${spec.name}`);
    declared.set(spec.name, spec);
    if (spec.kind === 'bool') values.set(spec.name, spec.defaultValue === true ? 'true' : 'false');
    if (spec.kind === 'string') values.set(spec.name, typeof spec.defaultValue === 'string' ? spec.defaultValue : '');
  }
  const lists = new Map<string, string[]>();
  const ranges = new Map<string, SourceRange[]>();
  const used: string[] = [];
  for (const word of words) {
    const text = word.text;
    if (text === '--') break;
    if (!text.startsWith('--')) throw new InstructionError(`arg should start with -- : ${text}`, word.range);
    const eq = text.indexOf('=');
    const flagName = eq < 0 ? text : text.slice(0, eq);
    const value = eq < 0 ? '' : text.slice(eq + 1);
    const hasValue = eq >= 0;
    const name = flagName.slice(2);
    const spec = declared.get(name);
    if (spec === undefined) {
      const message = withSuggestion(`unknown flag: ${flagName}`, name, [...declared.keys()], true, (m) => `--${m}`);
      throw new InstructionError(message, word.range);
    }
    const seen = ranges.get(name);
    if (seen !== undefined && spec.kind !== 'strings') {
      throw new InstructionError(`duplicate flag specified: ${flagName}`, word.range);
    }
    if (seen === undefined) used.push(name);
    const here = seen ?? [];
    if (word.range !== undefined) here.push(word.range);
    ranges.set(name, here);
    switch (spec.kind) {
      case 'bool': {
        if (hasValue && value === '') throw new InstructionError(`missing a value on flag: ${flagName}`, word.range);
        const lower = value.toLowerCase();
        if (lower === '' || lower === 'true') values.set(name, 'true');
        else if (lower === 'false') values.set(name, 'false');
        else throw new InstructionError(`expecting boolean value for flag ${flagName}, not: ${value}`, word.range);
        break;
      }
      case 'string':
        if (!hasValue) throw new InstructionError(`missing a value on flag: ${flagName}`, word.range);
        values.set(name, value);
        break;
      case 'strings': {
        if (!hasValue) throw new InstructionError(`missing a value on flag: ${flagName}`, word.range);
        const list = lists.get(name) ?? [];
        list.push(value);
        lists.set(name, list);
        break;
      }
    }
  }
  return new FlagValues(declared, values, lists, ranges, used);
}
