// BuildKit's wordsTest (ProcessWords), one test per case line.
import test from 'ava';
import { envFromList, processWords, ShellWordError } from '@kiln/shell';
import { show, wordsCorpus } from './corpus.ts';

if (wordsCorpus === undefined) {
  test.skip('shell corpus absent: wordsTest.json', (t) => t.pass());
} else {
  for (const c of wordsCorpus.cases) {
    test(`wordsTest line ${c.line}: ${show(c.input)}`, (t) => {
      const env = envFromList(c.env);
      if (c.error === true) {
        t.throws(() => processWords(c.input, env), { instanceOf: ShellWordError });
      } else {
        t.deepEqual(processWords(c.input, env).words, c.expectedWords);
      }
    });
  }
}
