// BuildKit's envVarTest (ProcessWord), one test per line, and the same lines again with backtick as the escape token.
import test from 'ava';
import { processWord, ShellWordError } from '@kiln/shell';
import { envMap, envVarCorpus, show } from './corpus.ts';

if (envVarCorpus === undefined) {
  test.skip('shell corpus absent: envVarTest.json', (t) => t.pass());
} else {
  const env = envMap(envVarCorpus.env);
  for (const c of envVarCorpus.cases) {
    const title = `envVarTest line ${c.line}: ${show(c.input)}`;
    if (c.platform === 'W') {
      // Windows compares env keys case-insensitively; kiln follows Linux.
      test.skip(`${title} (Windows only)`, (t) => t.pass());
      continue;
    }
    test(title, (t) => {
      if (c.error === true) {
        t.throws(() => processWord(c.input, env), { instanceOf: ShellWordError });
      } else {
        t.is<string | undefined, string | undefined>(processWord(c.input, env).value, c.expected);
      }
    });
  }

  // `# escape=\`` swaps the escape token; the same line with the two characters swapped must give the same (swapped) result.
  const swap = (text: string): string => text.replace(/[\\`]/g, (ch) => (ch === '\\' ? '`' : '\\'));
  for (const c of envVarCorpus.cases) {
    if (c.platform === 'W' || !c.input.includes('\\') || c.input.includes('`')) continue;
    test(`envVarTest line ${c.line} with escape=\`: ${show(swap(c.input))}`, (t) => {
      const input = swap(c.input);
      if (c.error === true) {
        t.throws(() => processWord(input, env, { escapeToken: '`' }), { instanceOf: ShellWordError });
      } else {
        t.is(processWord(input, env, { escapeToken: '`' }).value, swap(c.expected ?? ''));
      }
    });
  }
}
