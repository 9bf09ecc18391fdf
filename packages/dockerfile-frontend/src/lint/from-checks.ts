/**
 * The checks of FROM lines (BuildKit's `validateBaseImagesWithDefaultArgs`,
 * `buildMetaArgs` and `buildDispatchStates`): global ARGs, base names and
 * `--platform` expanded, with undeclared, redundant and constant values
 * reported. Every stage is checked, reached by the target or not.
 */
import type { EscapeToken } from '@kiln/shell';
import { processWord } from '@kiln/shell';
import { normalizeReference, parsePlatform, type Platform } from '@kiln/oci';
import { suggest } from '../instructions/suggest.js';
import type { ArgInstruction } from '../instructions/commands-arg.js';
import { stop, type Linter } from './linter.js';
import type { LintStageSource } from './parse-checks.js';
import { platformSpecifierError } from './platform-error.js';
import { lintRules } from './rules.js';

/** A stage with its FROM line expanded. */
export interface LintStage extends LintStageSource {
  readonly index: number;
  /** The lower-cased `AS` name, if any. */
  readonly name: string | undefined;
  /** The base after global-ARG expansion, as written otherwise (`alpine:3`, `scratch`, a stage name). */
  readonly base: string;
  /** The `--platform` asked for, parsed; `undefined` when not given. */
  readonly platform: Platform | undefined;
}

/** The global scope after the ARGs before the first FROM. */
export interface GlobalScope {
  /** Names with a value: the predefined args, then each global ARG that has one. */
  readonly args: ReadonlyMap<string, string>;
  /** Every global ARG declared, with or without a value. */
  readonly declared: ReadonlySet<string>;
}

function expand(word: string, env: ReadonlyMap<string, string>, escapeToken: EscapeToken) {
  return processWord(word, env, { escapeToken });
}

/**
 * InvalidDefaultArgInFrom: each base name expanded with the global ARGs'
 * defaults alone (no `--build-arg`) must still be an image reference. The
 * check gives up quietly where expansion fails; the real expansion reports that.
 */
export function checkDefaultArgsInFrom(linter: Linter, stages: readonly LintStageSource[], metaArgs: readonly ArgInstruction[], builtins: ReadonlyMap<string, string>, escapeToken: EscapeToken): void {
  const args = new Map(builtins);
  try {
    for (const arg of metaArgs) for (const d of arg.args) if (d.value !== undefined) args.set(d.key, expand(d.value, args, escapeToken).value);
  } catch {
    return;
  }
  for (const { from } of stages) {
    let name: string;
    try {
      name = expand(from.baseName.value, args, escapeToken).value;
    } catch {
      return;
    }
    try {
      normalizeReference(name);
    } catch {
      linter.report(lintRules.InvalidDefaultArgInFrom, [from.range], lintRules.InvalidDefaultArgInFrom.format(from.baseName.value), from.node.comments);
    }
  }
}

/** The global scope with `--build-arg` values; stops at a global ARG default that does not expand. */
export function globalScope(metaArgs: readonly ArgInstruction[], builtins: ReadonlyMap<string, string>, buildArgs: ReadonlyMap<string, string>, escapeToken: EscapeToken): GlobalScope {
  const args = new Map(builtins);
  const declared = new Set<string>();
  for (const arg of metaArgs) {
    for (const d of arg.args) {
      let value = buildArgs.get(d.key);
      if (value === undefined && d.value !== undefined) {
        try {
          value = expand(d.value, args, escapeToken).value;
        } catch (error) {
          stop((error as Error).message, [arg.range]);
        }
      }
      if (value !== undefined) args.set(d.key, value);
      declared.add(d.key);
    }
  }
  return { args, declared };
}

/** " (did you mean X?)" for the first unmatched name that has a close option, as BuildKit's `wrapSuggestAny`. */
function suggestAny(names: Iterable<string>, options: readonly string[]): string {
  for (const n of names) {
    const match = suggest(n, options, true);
    if (match !== undefined) return ` (did you mean ${match}?)`;
  }
  return '';
}

/**
 * Expands every stage's FROM line, reporting UndefinedArgInFrom,
 * RedundantTargetPlatform and FromPlatformFlagConstDisallowed; stops with
 * BuildKit's message at a blank base, an empty or unparsable platform, or an
 * expansion error.
 */
export function expandStages(linter: Linter, stages: readonly LintStageSource[], scope: GlobalScope, escapeToken: EscapeToken, hostPlatform: Platform): LintStage[] {
  const argKeys = [...new Set([...scope.args.keys(), ...scope.declared])];
  const undeclared = (unmatched: ReadonlySet<string>, from: LintStageSource['from']): void => {
    for (const name of unmatched) {
      if (argKeys.includes(name)) continue;
      linter.report(lintRules.UndefinedArgInFrom, [from.range], lintRules.UndefinedArgInFrom.format(name, suggest(name, argKeys, true)), from.node.comments);
    }
  };
  return stages.map((source, index): LintStage => {
    const { from } = source;
    const comments = from.node.comments;
    let base;
    try {
      base = expand(from.baseName.value, scope.args, escapeToken);
    } catch (error) {
      stop((error as Error).message, [from.range]);
    }
    undeclared(base.unmatched, from);
    if (base.value === '') stop(`base name (${from.baseName.value}) should not be blank`, [from.range]);

    let platform: Platform | undefined;
    if (from.platform !== undefined) {
      const expression = from.platform.value;
      let p;
      try {
        p = expand(expression, scope.args, escapeToken);
      } catch (error) {
        stop(`failed to process arguments for platform ${expression}: ${(error as Error).message}`, [from.range]);
      }
      undeclared(p.unmatched, from);
      if (p.matched.size === 1 && p.unmatched.size === 0 && p.matched.has('TARGETPLATFORM') && p.value === scope.args.get('TARGETPLATFORM')) {
        linter.report(lintRules.RedundantTargetPlatform, [from.range], lintRules.RedundantTargetPlatform.format(expression), comments);
      }
      const globals = [...scope.args.keys()];
      if (p.value === '') stop(`empty platform value from expression ${expression}${suggestAny(p.unmatched, globals)}`, [from.range]);
      try {
        platform = parsePlatform(p.value, hostPlatform);
      } catch (error) {
        const why = platformSpecifierError(p.value) ?? (error as Error).message;
        stop(`failed to parse platform ${expression}: ${why}${suggestAny(p.unmatched, globals)}`, [from.range]);
      }
      if (p.matched.size === 0 && p.unmatched.size === 0) {
        const stageName = from.stageName?.value ?? '';
        if (!stageName.includes(platform.os) && !stageName.includes(platform.architecture)) {
          linter.report(lintRules.FromPlatformFlagConstDisallowed, [from.range], lintRules.FromPlatformFlagConstDisallowed.format(p.value), comments);
        }
      }
    }
    return { ...source, index, name: from.stageName?.value, base: base.value, platform };
  });
}
