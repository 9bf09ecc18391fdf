/**
 * The checks BuildKit makes while it types instructions (`instructions.Parse`)
 * and right after, over the whole file: FROM casing and stage names,
 * MAINTAINER, description comments, reserved and duplicate stage names, and
 * consistent keyword casing.
 */
import type { Dockerfile, Instruction } from '@kiln/dockerfile-syntax';
import type { ArgInstruction } from '../instructions/commands-arg.js';
import type { FromInstruction } from '../instructions/commands-from.js';
import { parseInstruction, type Command } from '../instructions/instruction.js';
import { stop, type Linter } from './linter.js';
import { lintRules } from './rules.js';

/** The stages of a file as its instructions group them, with nothing expanded. */
export interface LintStageSource {
  readonly from: FromInstruction;
  readonly commands: readonly Command[];
}

/** What {@link typeInstructions} makes of a file. */
export interface TypedFile {
  readonly metaArgs: readonly ArgInstruction[];
  readonly stages: readonly LintStageSource[];
}

/** BuildKit's `validateDefinitionDescription`: the last comment above must start with one of the names. */
function checkDescription(linter: Linter, instruction: 'FROM' | 'ARG', names: readonly string[], node: Instruction): void {
  const last = node.comments[node.comments.length - 1];
  if (last === undefined || names.length === 0) return;
  const first = last.text.trim().split(' ')[0] ?? '';
  if (names.includes(first)) return;
  const example = names.length > 1 ? '<arg_key>' : names[0]!;
  linter.report(lintRules.InvalidDefinitionDescription, [node.range], lintRules.InvalidDefinitionDescription.format(instruction, example), node.comments);
}

/** StageNameCasing and FromAsCasing, read from the words as written. */
function checkFromCasing(linter: Linter, node: Instruction): void {
  if (node.args.length !== 3) return;
  const as = node.args[1]!.value;
  const name = node.args[2]!.value;
  if (name !== name.toLowerCase()) {
    linter.report(lintRules.StageNameCasing, [node.range], lintRules.StageNameCasing.format(name), node.comments);
  }
  const from = node.keyword;
  const fromLower = from === from.toLowerCase();
  const fromUpper = from === from.toUpperCase();
  // A FROM keyword in mixed case is ConsistentInstructionCasing's business, not this rule's.
  if (!fromLower && !fromUpper) return;
  const matches = fromLower ? as === as.toLowerCase() : as === as.toUpperCase();
  if (!matches) linter.report(lintRules.FromAsCasing, [node.range], lintRules.FromAsCasing.format(from, as), node.comments);
}

/**
 * Types every instruction in file order, reporting the parse-time rules as it
 * goes, and groups them into stages. Stops (keeping what was reported) at the
 * first malformed instruction with BuildKit's `dockerfile parse error on line
 * N: …`, at a non-ARG instruction before the first FROM, and when there is no
 * stage at all.
 */
export function typeInstructions(linter: Linter, dockerfile: Dockerfile, file: string): TypedFile {
  const metaArgs: ArgInstruction[] = [];
  const stages: { from: FromInstruction; commands: Command[] }[] = [];
  for (const node of dockerfile.instructions) {
    const name = node.name.toLowerCase();
    if (name === 'maintainer') {
      linter.report(lintRules.MaintainerDeprecated, [node.range], lintRules.MaintainerDeprecated.format(), node.comments);
    }
    if (name === 'from') checkFromCasing(linter, node);
    let typed;
    try {
      typed = parseInstruction(node, { file });
    } catch (error) {
      stop(`dockerfile parse error on line ${node.range.start.line}: ${(error as Error).message}`, [node.range]);
    }
    if (typed.kind === 'from') {
      if (typed.stageName !== undefined) checkDescription(linter, 'FROM', [typed.stageName.value], node);
      stages.push({ from: typed, commands: [] });
      continue;
    }
    if (typed.kind === 'arg') checkDescription(linter, 'ARG', typed.args.map((a) => a.key), node);
    const current = stages[stages.length - 1];
    if (current !== undefined) current.commands.push(typed);
    else if (typed.kind === 'arg') metaArgs.push(typed);
    else stop('no build stage in current context', [node.range]);
  }
  if (stages.length === 0) stop('dockerfile contains no stages to build', []);
  return { metaArgs, stages };
}

const reservedStageNames = ['context', 'scratch'];

/** ReservedStageName and DuplicateStageName (the later FROM of a repeated name is reported). */
export function checkStageNames(linter: Linter, stages: readonly LintStageSource[]): void {
  const seen = new Set<string>();
  for (const { from } of stages) {
    const name = from.stageName?.value;
    if (name === undefined) continue;
    const comments = from.node.comments;
    if (reservedStageNames.includes(name)) linter.report(lintRules.ReservedStageName, [from.range], lintRules.ReservedStageName.format(name), comments);
    if (seen.has(name)) linter.report(lintRules.DuplicateStageName, [from.range], lintRules.DuplicateStageName.format(name), comments);
    seen.add(name);
  }
}

function selfConsistent(s: string): boolean {
  return s === s.toLowerCase() || s === s.toUpperCase();
}

/**
 * ConsistentInstructionCasing: keywords of the stages (global ARGs do not
 * count) should all be upper case or all lower case; the majority of the
 * self-consistent ones decides (a tie means upper case).
 */
export function checkKeywordCasing(linter: Linter, stages: readonly LintStageSource[]): void {
  const nodes: Instruction[] = stages.flatMap((s) => [s.from.node, ...s.commands.map((c) => c.node)]);
  let lower = 0;
  let upper = 0;
  for (const node of nodes) {
    if (!selfConsistent(node.keyword)) continue;
    if (node.keyword === node.keyword.toLowerCase()) lower++;
    else upper++;
  }
  const majorityLower = lower > upper;
  for (const node of nodes) {
    const k = node.keyword;
    const casing = majorityLower && k !== k.toLowerCase() ? 'lowercase' : !majorityLower && k !== k.toUpperCase() ? 'uppercase' : undefined;
    if (casing !== undefined) {
      linter.report(lintRules.ConsistentInstructionCasing, [node.range], lintRules.ConsistentInstructionCasing.format(k, casing), node.comments);
    }
  }
}
