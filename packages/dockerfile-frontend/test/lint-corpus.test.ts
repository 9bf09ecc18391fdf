// BuildKit's build-check cases (checks/lint-cases.json), one test per case: the warnings a build
// streams (stages the target reaches) and the ones the lint subrequest returns (every stage).
import test from 'ava';
import { lintDockerfile, type LintFinding, type LintResult } from '@kiln/dockerfile-frontend';
import { parseIgnoreFile } from '@kiln/patterns';
import { readCorpusJson } from '../../../test/support/shared.ts';

interface CorpusWarning {
  ruleName: string;
  description: string;
  url: string;
  detail: string;
  line: number;
  level: number;
}

interface LintCase {
  test: string;
  subtest?: string;
  dockerfile: string;
  dockerignore?: string;
  frontendAttrs?: Record<string, string>;
  buildWarnings: CorpusWarning[];
  lintWarnings: CorpusWarning[];
  buildError?: string;
  buildErrorLine?: number;
  buildErrorRegexp?: string;
}

const corpus = readCorpusJson<{ cases: LintCase[] }>('checks', 'lint-cases.json');

interface Row {
  rule: string;
  message: string;
  description: string;
  url: string;
  line: number | undefined;
  level: LintFinding['level'];
}

/** The corpus compares after sorting by line, then detail. */
function expected(warnings: readonly CorpusWarning[], level: LintFinding['level']): Row[] {
  return [...warnings]
    .sort((a, b) => a.line - b.line || (a.detail < b.detail ? -1 : a.detail > b.detail ? 1 : 0))
    .map((w) => ({ rule: w.ruleName, message: w.detail, description: w.description, url: w.url, line: w.line, level }));
}

function actual(result: LintResult): Row[] {
  return result.findings.map((f) => ({ rule: f.rule, message: f.message, description: f.description, url: f.url, line: f.ranges[0]?.start.line, level: f.level }));
}

function title(c: LintCase, i: number): string {
  const first = c.lintWarnings[0]?.ruleName ?? c.buildWarnings[0]?.ruleName;
  return `lint case ${i} ${c.test}${c.subtest === undefined ? '' : `/${c.subtest}`}: ${first ?? 'no findings'}${c.buildError === undefined ? '' : ' then an error'}`;
}

if (corpus === undefined) {
  test.skip('lint corpus (checks/lint-cases.json) absent', (t) => t.pass());
} else {
  for (const [i, c] of corpus.cases.entries()) {
    test(title(c, i), (t) => {
      const buildArgs = new Map(
        Object.entries(c.frontendAttrs ?? {}).flatMap(([k, v]) => (k.startsWith('build-arg:') ? [[k.slice('build-arg:'.length), v] as const] : [])),
      );
      const ignorePatterns = parseIgnoreFile(c.dockerignore);
      const build = lintDockerfile(c.dockerfile, { buildArgs, ignorePatterns, scope: 'target' });
      const lint = lintDockerfile(c.dockerfile, { buildArgs, ignorePatterns });
      const level: LintFinding['level'] = c.buildError?.startsWith('lint violation found for rules:') === true ? 'error' : 'warning';

      t.deepEqual(actual(build), expected(c.buildWarnings, level), 'warnings of a build');
      // Upstream compares the lint subrequest's warnings without their lines (checkLintWarning), and one
      // case records lines (3, 4) where its instructions are not (5, 6); lines are compared for builds above.
      const withoutLine = (row: Row): Omit<Row, 'line'> => ({ rule: row.rule, message: row.message, description: row.description, url: row.url, level: row.level });
      t.deepEqual(actual(lint).map(withoutLine), expected(c.lintWarnings, level).map(withoutLine), 'warnings of the lint subrequest');
      if (c.buildError !== undefined) {
        t.is(build.error?.message, c.buildError, 'the build fails with BuildKit\'s message');
        t.is(lint.error?.message, c.buildError, 'the lint result carries the same error');
        if (c.buildErrorLine !== undefined) t.is(build.error?.ranges[0]?.start.line, c.buildErrorLine, 'at BuildKit\'s line');
      } else {
        // A buildErrorRegexp is a failure at solve time (a missing file), which linting cannot and must not see.
        t.is(build.error, undefined);
        t.is(lint.error, undefined);
      }
    });
  }
}
