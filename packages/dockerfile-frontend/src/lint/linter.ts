/**
 * The collector every check reports to (BuildKit's `linter.Linter`): it
 * drops findings of rules the configuration turns off, remembers which rules
 * fired for `error=true`, and stops the walk with a located error the way a
 * build would stop.
 */
import type { SourceRange } from '@kiln/errors';
import type { Comment } from '@kiln/dockerfile-syntax';
import { ruleEnabled, withInstructionComments, type CheckConfig } from './check-config.js';
import type { LintRule } from './rules.js';
import type { LintError, LintFinding } from './types.js';

/** Thrown inside the walk to end it with `error` (findings so far are kept). */
export class LintStop extends Error {
  readonly lintError: LintError;

  constructor(lintError: LintError) {
    super(lintError.message);
    this.lintError = lintError;
  }
}

/** Stops the walk: the Dockerfile cannot be built, for `message`, at `ranges`. */
export function stop(message: string, ranges: readonly SourceRange[]): never {
  throw new LintStop({ kind: 'dockerfile', message, ranges });
}

/** Collects findings under one file-wide configuration. */
export class Linter {
  readonly config: CheckConfig;
  readonly #findings: LintFinding[] = [];
  readonly #seen = new Set<string>();
  readonly #fired: string[] = [];

  constructor(config: CheckConfig) {
    this.config = config;
  }

  /**
   * Reports `rule` at `ranges` with `message`, unless the configuration (with
   * the `# check=` comments of the instruction concerned, `comments`) turns
   * it off. A finding repeated at the same line with the same words is kept once.
   */
  report<A extends readonly unknown[]>(rule: LintRule<A>, ranges: readonly SourceRange[], message: string, comments: readonly Comment[] = []): void {
    if (!ruleEnabled(withInstructionComments(this.config, comments), rule)) return;
    if (!this.#fired.includes(rule.name)) this.#fired.push(rule.name);
    const key = `${rule.name}\u0000${ranges[0]?.start.line ?? 0}\u0000${message}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.#findings.push({
      rule: rule.name as LintFinding['rule'],
      message,
      description: rule.description,
      url: rule.url,
      level: this.config.error ? 'error' : 'warning',
      ranges,
    });
  }

  /** The findings, by line then message. */
  findings(): LintFinding[] {
    const line = (f: LintFinding): number => f.ranges[0]?.start.line ?? 0;
    return [...this.#findings].sort((a, b) => line(a) - line(b) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  }

  /** With `error=true` and a rule fired: BuildKit's `lint violation found for rules: A, B`, at the first finding. */
  violation(): LintError | undefined {
    if (!this.config.error || this.#fired.length === 0) return undefined;
    const first = this.findings()[0];
    return { kind: 'violation', message: `lint violation found for rules: ${this.#fired.join(', ')}`, ranges: first?.ranges ?? [] };
  }
}
