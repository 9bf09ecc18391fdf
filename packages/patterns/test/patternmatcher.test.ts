// moby/patternmatcher vectors (patternmatcher-vectors.json): one test per case.
import test from 'ava';
import { PatternMatcher, legacyMatches, NO_MATCH_INFO, type MatchInfo } from '@kiln/patterns';
import { readCorpusJson } from '../../../test/support/shared.ts';

interface Vectors {
  singlePattern: { cases: SingleCase[]; unixOnly: SingleCase[] };
  multiPattern: { cases: { patterns: string[]; text: string; pass: boolean }[] };
  legacyMatchesFunction: { cases: { file: string; patterns: string[]; match?: boolean; error?: boolean; note?: string }[] };
  filepathMatchPort: { cases: { pattern: string; s: string; match: boolean; err: string | null }[] };
  compile: { cases: { pattern: string; matchType: string; regexp: string | null }[] };
  cleanPatterns: { patterns: string[]; activePatternCount?: number; hasExclusions?: boolean; error?: boolean; note?: string }[];
  badPatternRepeated: { patterns: string[]; text: string; error: string };
}
interface SingleCase { pattern: string; text: string; pass: boolean }

const vectors = readCorpusJson<Vectors>('patterns', 'patternmatcher-vectors.json');

/** moby's test walks the parents first, handing each result to the next call. */
function matchWalkingParents(pm: PatternMatcher, text: string): boolean {
  let info: MatchInfo = NO_MATCH_INFO;
  const parent = text.includes('/') ? text.slice(0, text.lastIndexOf('/')) : '.';
  if (parent !== '.' && parent !== '') {
    const parts = parent.split('/');
    for (let i = 0; i < parts.length; i++) info = pm.matchesUsingParentResults(parts.slice(0, i + 1).join('/'), info).info;
  }
  return pm.matchesUsingParentResults(text, info).matched;
}

if (vectors === undefined) {
  test.skip('patternmatcher corpus absent', (t) => t.pass());
} else {
  for (const c of [...vectors.singlePattern.cases, ...vectors.singlePattern.unixOnly]) {
    test(`single pattern ${JSON.stringify(c.pattern)} ${c.pass ? 'matches' : 'does not match'} ${JSON.stringify(c.text)}`, (t) => {
      const pm = new PatternMatcher([c.pattern]);
      t.is(pm.matchesOrParentMatches(c.text), c.pass, 'MatchesOrParentMatches');
      t.is(pm.matchesUsingParentResults(c.text).matched, c.pass, 'MatchesUsingParentResults without parent info');
      t.is(matchWalkingParents(pm, c.text), c.pass, 'MatchesUsingParentResults walking the parents');
    });
  }

  for (const c of vectors.multiPattern.cases) {
    test(`patterns ${JSON.stringify(c.patterns)} ${c.pass ? 'match' : 'do not match'} ${JSON.stringify(c.text)}`, (t) => {
      const pm = new PatternMatcher(c.patterns);
      t.is(pm.matchesOrParentMatches(c.text), c.pass);
      t.is(matchWalkingParents(pm, c.text), c.pass, 'walking the parents');
    });
  }

  for (const c of vectors.legacyMatchesFunction.cases) {
    const title = c.error ? 'fails' : c.match ? 'matches' : 'does not match';
    test(`legacy Matches(${JSON.stringify(c.file)}, ${JSON.stringify(c.patterns)}) ${title}${c.note ? ` (${c.note})` : ''}`, (t) => {
      if (c.error) {
        t.throws(() => legacyMatches(c.file, c.patterns), { code: 'InvalidArgument' });
      } else {
        t.is(legacyMatches(c.file, c.patterns), c.match === true);
      }
    });
  }

  for (const c of vectors.filepathMatchPort.cases) {
    test(`filepath.Match port: ${JSON.stringify(c.pattern)} vs ${JSON.stringify(c.s)} -> ${c.err ?? c.match}`, (t) => {
      if (c.err !== null) {
        const err = t.throws(() => legacyMatches(c.s, [c.pattern]));
        t.true(err.message.includes(c.err), err.message);
        t.true(err.message.includes(JSON.stringify(c.pattern)), 'the message quotes the pattern');
      } else {
        t.is(legacyMatches(c.s, [c.pattern]), c.match);
      }
    });
  }

  for (const c of vectors.compile.cases) {
    test(`compile ${JSON.stringify(c.pattern)} as ${c.matchType}${c.regexp ? ` ${c.regexp}` : ''}`, (t) => {
      const [info] = new PatternMatcher([c.pattern]).patterns;
      t.is(info?.matchType as string | undefined, c.matchType);
      t.is(info?.goRegexp ?? null, c.regexp);
    });
  }

  for (const c of vectors.cleanPatterns) {
    test(`clean patterns ${JSON.stringify(c.patterns)}${c.note ? ` (${c.note})` : ''}`, (t) => {
      if (c.error) {
        const err = t.throws(() => new PatternMatcher(c.patterns));
        t.regex(err.message, /illegal exclusion pattern: "!"/);
        return;
      }
      const pm = new PatternMatcher(c.patterns);
      if (c.activePatternCount !== undefined) t.is(pm.patterns.length, c.activePatternCount);
      if (c.hasExclusions !== undefined) t.is(pm.exclusions, c.hasExclusions);
    });
  }

  const bad = vectors.badPatternRepeated;
  test(`bad pattern ${JSON.stringify(bad.patterns)} passes construction and fails on every use`, (t) => {
    const pm = new PatternMatcher(bad.patterns);
    for (let i = 0; i < 3; i++) {
      const err = t.throws(() => pm.matchesOrParentMatches(bad.text));
      t.true(err.message.includes(bad.error), err.message);
    }
    t.throws(() => pm.matchesUsingParentResults(bad.text));
  });
}
