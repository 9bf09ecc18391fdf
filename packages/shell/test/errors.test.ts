// Error classes and BuildKit's message texts, which the frontend shows to users.
import test from 'ava';
import { ErrorCode } from '@kiln/errors';
import { processWord, processWords, ShellWordError } from '@kiln/shell';

const env = new Map([
  ['A', 'abc'],
  ['EMPTY', ''],
  ['B', 'x'],
  ['SLASH', '\\'],
  ['ENDSLASH', 'ab\\'],
]);

const reasons: readonly (readonly [string, string])[] = [
  ['${}', 'syntax error: bad substitution'],
  ['${:-x}', 'syntax error: bad substitution'],
  ['${{A}', 'syntax error: bad substitution'],
  ['${', "syntax error: missing '}'"],
  ['${A:-x', "syntax error: missing '}'"],
  ['${A:-"x', "syntax error: missing '}'"],
  ['${A', 'unsupported modifier (\uFFFD) in substitution'],
  ['${A.}', 'unsupported modifier (.) in substitution'],
  ['${A=x}', 'unsupported modifier (=) in substitution'],
  ['${A:=x}', 'unsupported modifier (:=) in substitution'],
  ['${A:x}', 'unsupported modifier (:x) in substitution'],
  ['${A:#x}', 'unsupported modifier (:#) in substitution'],
  ['${A:%%x}', 'unsupported modifier (:%) in substitution'],
  ['${A//x}', "syntax error: missing '/' in ${}"],
  ['${A/x/y', "syntax error: missing '}'"],
  ['${U?}', 'U: is not allowed to be unset'],
  ['${EMPTY:?}', 'EMPTY: is not allowed to be empty'],
  ['${U:?need $B here}', 'U: need x here'],
  ['${A:-${U?inner}}', 'U: inner'],
  ['"abc', 'unexpected end of statement while looking for matching double-quote'],
  ['"abc\\', 'unexpected end of statement while looking for matching double-quote'],
  ["'abc", 'unexpected end of statement while looking for matching single-quote'],
  ['${A#\\x}', "invalid pattern (\\x) in substitution: invalid escape '\\x'"],
  ['${A#$SLASH}', "invalid pattern (\\) in substitution: invalid escape '\\\uFFFD'"],
  // Suffix patterns are reversed before conversion, and the message shows the reversed one.
  ['${A%$ENDSLASH}', "invalid pattern (\\ba) in substitution: invalid escape '\\b'"],
  ['${A/\\a/b}', "invalid pattern (\\a) in substitution: invalid escape '\\a'"],
];

for (const [word, reason] of reasons) {
  test(`${JSON.stringify(word)} fails with "${reason}"`, (t) => {
    const error = t.throws(() => processWord(word, env), { instanceOf: ShellWordError });
    t.is(error.code, ErrorCode.InvalidArgument);
    t.is(error.reason, reason);
    t.is(error.word, word);
    t.is(error.message, `failed to process ${goQuoted(word)}: ${reason}`);
  });
}

// Go's %q for the plain inputs above: only `"` and `\` need escaping.
function goQuoted(text: string): string {
  return `"${text.replace(/[\\"]/g, (ch) => '\\' + ch)}"`;
}

test('the message quotes the word as Go %q does', (t) => {
  const error = t.throws(() => processWord('a\n"\t\u00a0é${', env), { instanceOf: ShellWordError });
  t.is(error.message, `failed to process "a\\n\\"\\t\\u00a0é\${": syntax error: missing '}'`);
});

test('an error keeps the names looked up before it', (t) => {
  const error = t.throws(() => processWords('$A ${U:?}', env), { instanceOf: ShellWordError });
  t.deepEqual([...error.matched], ['A']);
  t.deepEqual([...error.unmatched], ['U']);
});

test('an env function that throws is not disguised as a syntax error', (t) => {
  const boom = new Error('lookup failed');
  const error = t.throws(() =>
    processWord('${A:-${B}', () => {
      throw boom;
    }),
  );
  t.is(error, boom);
});
