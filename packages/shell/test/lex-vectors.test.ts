// The table vectors of BuildKit's lex_test.go, one test per vector.
import test from 'ava';
import { envFromList, processWord, reverseShellPattern, shellPatternToRegex, ShellWordError } from '@kiln/shell';
import { envMap, lexVectors, show } from './corpus.ts';

const describeEnv = (env: Readonly<Record<string, string>>): string =>
  Object.keys(env).length === 0 ? '{}' : Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ');

if (lexVectors === undefined) {
  test.skip('shell corpus absent: lex-vectors.json', (t) => t.pass());
} else {
  for (const c of lexVectors.mandatoryEnvVars.cases) {
    test(`mandatoryEnvVars ${show(c.input)} with ${describeEnv(c.env)}`, (t) => {
      const env = envMap(c.env);
      if (c.errorContains !== undefined) {
        const error = t.throws(() => processWord(c.input, env), { instanceOf: ShellWordError });
        t.true(error.message.includes(c.errorContains), error.message);
      } else {
        t.is<string | undefined, string | undefined>(processWord(c.input, env).value, c.expected);
      }
    });
  }

  lexVectors.processWithMatches.cases.forEach((c, index) => {
    test(`processWithMatches #${index + 1} ${show(c.input)} with ${describeEnv(c.env)}`, (t) => {
      const env = envMap(c.env);
      if (c.expectedError === true) {
        t.throws(() => processWord(c.input, env), { instanceOf: ShellWordError });
        return;
      }
      const result = processWord(c.input, env);
      t.is<string | undefined, string | undefined>(result.value, c.expected);
      t.deepEqual([...result.matched].sort(), [...(c.matched ?? [])].sort(), 'matched');
      t.deepEqual([...result.unmatched].sort(), [...(c.unmatched ?? [])].sort(), 'unmatched');
    });
  });

  const platformFilename = lexVectors.platformFilename;
  for (const c of platformFilename.cases) {
    test(`platformFilename with ${describeEnv(c.env)}`, (t) => {
      t.is(processWord(platformFilename.input, envMap(c.env)).value, c.expected);
    });
  }

  for (const c of lexVectors.envsFromSlice.cases) {
    test(`envsFromSlice [${c.env.join(', ')}] lookup ${c.lookup}`, (t) => {
      const env = envFromList(c.env);
      t.is(env.has(c.lookup), c.found ?? true);
      t.is(env.get(c.lookup) ?? '', c.value);
    });
  }

  for (const c of lexVectors.shellPatternToRegex.valid) {
    test(`shellPatternToRegex ${show(c.pattern)}`, (t) => {
      t.is(shellPatternToRegex(c.pattern, true, true).goSource, c.goRegexp);
    });
  }
  for (const pattern of lexVectors.shellPatternToRegex.invalid) {
    test(`shellPatternToRegex rejects ${show(pattern)}`, (t) => {
      t.throws(() => shellPatternToRegex(pattern, true, true), { message: /^invalid escape '\\/ });
    });
  }
  for (const c of lexVectors.shellPatternToRegex.reversePattern.cases) {
    test(`reversePattern ${show(c.in)}`, (t) => {
      t.is(reverseShellPattern(c.in), c.out);
    });
  }
}
