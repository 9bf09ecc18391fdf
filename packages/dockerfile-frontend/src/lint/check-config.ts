/**
 * The build-check configuration: the `# check=` directive, the
 * `BUILDKIT_DOCKERFILE_CHECK` build-arg that replaces it, and the `# check=`
 * comments above one instruction that add to it for that instruction only
 * (BuildKit's `linter.ParseLintOptions` and `WithMergedConfigFromComments`).
 */
import { InvalidArgumentError } from '@kiln/errors';
import type { Comment } from '@kiln/dockerfile-syntax';

/** Which rules run, and whether a finding fails the build. */
export interface CheckConfig {
  /** Non-experimental rules not to run. */
  readonly skip: ReadonlySet<string>;
  /** `skip=all`: no non-experimental rule runs. */
  readonly skipAll: boolean;
  /** Experimental rules to run. */
  readonly experimental: ReadonlySet<string>;
  /** `experimental=all`. */
  readonly experimentalAll: boolean;
  /** `error=true`: any finding fails the build after conversion. */
  readonly error: boolean;
}

/** Runs every non-experimental rule, warns only. */
export const defaultCheckConfig: CheckConfig = { skip: new Set(), skipAll: false, experimental: new Set(), experimentalAll: false, error: false };

/** Go's `strconv.ParseBool`. */
function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

function ruleList(value: string): { all: boolean; names: string[] } {
  const v = value.trim();
  return v === 'all' ? { all: true, names: [] } : { all: false, names: v.split(',').map((s) => s.trim()) };
}

/**
 * Parses `skip=A,B|all;error=BOOL;experimental=A|all` (at most three
 * `;`-separated parts, any order; blank text is the default configuration).
 * Throws InvalidArgumentError with BuildKit's message for a part without `=`
 * or with another key (`invalid check option "x"`) and for a bad boolean.
 */
export function parseCheckConfig(text: string): CheckConfig {
  const trimmed = text.trim();
  if (trimmed === '') return defaultCheckConfig;
  // Go's SplitN(s, ";", 3): a third part keeps any further `;`.
  const pieces = trimmed.split(';');
  const parts = pieces.length > 3 ? [...pieces.slice(0, 2), pieces.slice(2).join(';')] : pieces;
  const skip = new Set<string>();
  const experimental = new Set<string>();
  let skipAll = false;
  let experimentalAll = false;
  let error = false;
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new InvalidArgumentError(`invalid check option ${JSON.stringify(part)}`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1);
    if (key === 'skip') {
      const list = ruleList(value);
      skipAll ||= list.all;
      for (const n of list.names) skip.add(n);
    } else if (key === 'experimental') {
      const list = ruleList(value);
      experimentalAll ||= list.all;
      for (const n of list.names) experimental.add(n);
    } else if (key === 'error') {
      const parsed = parseGoBool(value.trim());
      if (parsed === undefined) {
        throw new InvalidArgumentError(`failed to parse check option ${JSON.stringify(part)}: strconv.ParseBool: parsing ${JSON.stringify(value.trim())}: invalid syntax`);
      }
      error = parsed;
    } else {
      throw new InvalidArgumentError(`invalid check option ${JSON.stringify(key)}`);
    }
  }
  return { skip, skipAll, experimental, experimentalAll, error };
}

const checkComment = /^check\s*=\s*(\S.*)$/i;

/**
 * `config` with the `# check=` comments of one instruction's comment block
 * added: their skip and experimental settings apply to that instruction only
 * (`error` stays the file's). Text after the value's first blank is a
 * reason for people (`# check=skip=X // why`); a comment that does not parse
 * is an ordinary comment.
 */
export function withInstructionComments(config: CheckConfig, comments: readonly Comment[]): CheckConfig {
  let merged = config;
  for (const comment of comments) {
    const match = checkComment.exec(comment.text.trim());
    if (match === null) continue;
    let extra: CheckConfig;
    try {
      extra = parseCheckConfig(match[1]!.split(/\s/)[0]!);
    } catch {
      continue;
    }
    merged = {
      skip: new Set([...merged.skip, ...extra.skip]),
      skipAll: merged.skipAll || extra.skipAll,
      experimental: new Set([...merged.experimental, ...extra.experimental]),
      experimentalAll: merged.experimentalAll || extra.experimentalAll,
      error: merged.error,
    };
  }
  return merged;
}

/** Whether `rule` runs under `config`: experimental rules only when named, the others unless skipped. */
export function ruleEnabled(config: CheckConfig, rule: { readonly name: string; readonly experimental: boolean }): boolean {
  if (rule.experimental) return config.experimentalAll || config.experimental.has(rule.name);
  return !config.skipAll && !config.skip.has(rule.name);
}
