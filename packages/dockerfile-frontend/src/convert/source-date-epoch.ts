/**
 * SOURCE_DATE_EPOCH (BuildKit's `epoch.go`): a number of seconds, `context`,
 * or the name of a source-only stage whose single remote ADD gives the time.
 */
import { InvalidArgumentError } from '@kiln/errors';
import type { SourceOp } from '@kiln/llb';
import { processWord, type EscapeToken } from '@kiln/shell';
import type { Stage } from '../stages/parse-stages.js';
import { httpFilename, isGitSource, isHttpSource } from './copy-sources.js';

/** What a SOURCE_DATE_EPOCH value names. */
export type SourceDateEpoch =
  | { readonly kind: 'none' }
  | { readonly kind: 'seconds'; readonly seconds: number }
  /** A stage's remote source whose time (Last-Modified, commit time) is the epoch; resolving it needs the source. */
  | { readonly kind: 'source'; readonly stage: string; readonly source: SourceOp };

/**
 * Interprets a SOURCE_DATE_EPOCH value: `''` is none, an integer is
 * seconds, `context` is none (kiln's local context has no time of its own),
 * a stage name must be a source-only stage (FROM scratch, ARGs, exactly one
 * remote ADD). Throws InvalidArgumentError `invalid SOURCE_DATE_EPOCH: v`,
 * or BuildKit's messages for a stage that is not source-only.
 */
export function resolveSourceDateEpoch(
  value: string,
  stages: readonly Stage[],
  globalArgs: ReadonlyMap<string, string>,
  buildArgs: ReadonlyMap<string, string>,
  escapeToken: EscapeToken,
): SourceDateEpoch {
  if (value === '') return { kind: 'none' };
  if (/^[+-]?\d+$/.test(value)) return { kind: 'seconds', seconds: Number(value) };
  if (value === 'context') return { kind: 'none' };
  const stage = stages.find((s) => s.name !== undefined && s.name === value.toLowerCase());
  if (stage === undefined) throw new InvalidArgumentError(`invalid SOURCE_DATE_EPOCH: ${value}`);
  return { kind: 'source', stage: stage.name!, source: stageSource(stage, globalArgs, buildArgs, escapeToken) };
}

function stageSource(stage: Stage, globalArgs: ReadonlyMap<string, string>, buildArgs: ReadonlyMap<string, string>, escapeToken: EscapeToken): SourceOp {
  const env = new Map(globalArgs);
  env.delete('SOURCE_DATE_EPOCH');
  if (stage.baseName.value !== 'scratch') throw new InvalidArgumentError('SOURCE_DATE_EPOCH stage must use FROM scratch');
  let source: SourceOp | undefined;
  for (const cmd of stage.commands) {
    if (cmd.kind === 'arg') {
      for (const arg of cmd.args) {
        const given = buildArgs.get(arg.key);
        if (given !== undefined) env.set(arg.key, given);
        else if (arg.value !== undefined) env.set(arg.key, processWord(arg.value, env, { escapeToken }).value);
      }
    } else if (cmd.kind === 'add') {
      if (source !== undefined) throw new InvalidArgumentError('SOURCE_DATE_EPOCH stage must contain exactly one remote ADD');
      if (cmd.sources.sourceContents.length !== 0 || cmd.sources.sourcePaths.length !== 1) {
        throw new InvalidArgumentError('SOURCE_DATE_EPOCH stage must contain exactly one remote ADD source');
      }
      const src = processWord(cmd.sources.sourcePaths[0]!.value, env, { escapeToken }).value;
      if (isHttpSource(src)) {
        const checksum = cmd.checksum === '' ? '' : processWord(cmd.checksum, env, { escapeToken }).value;
        source = { type: 'source', identifier: src, attrs: { 'http.filename': httpFilename(src), ...(checksum === '' ? {} : { 'http.checksum': checksum }) } };
      } else if (isGitSource(src)) {
        source = { type: 'source', identifier: src, attrs: {} };
      } else {
        throw new InvalidArgumentError('SOURCE_DATE_EPOCH stage source must be a single HTTP(S) or Git ADD');
      }
    } else {
      throw new InvalidArgumentError(`SOURCE_DATE_EPOCH stage does not meet source-only requirements: unsupported ${cmd.kind} instruction`);
    }
  }
  if (source === undefined) throw new InvalidArgumentError('SOURCE_DATE_EPOCH stage must contain exactly one remote ADD');
  return source;
}
