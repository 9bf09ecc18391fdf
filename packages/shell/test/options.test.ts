// The ShellLex flags the Dockerfile frontend uses beyond the corpus's default mode.
import test from 'ava';
import { processWord, processWords, ShellLex } from '@kiln/shell';

const env = new Map([
  ['X', 'hi'],
  ['EMPTY', ''],
  ['SPACED', '  a  b '],
]);

test('escape=` escapes with a backtick and leaves backslashes literal', (t) => {
  const lex = new ShellLex({ escapeToken: '`' });
  t.is(lex.processWord('C:\\dir\\`$X', env).value, 'C:\\dir\\$X');
  t.is(lex.processWord('"a`"b`$X`c"', env).value, 'a"b$X`c');
  t.is(lex.processWord('a`', env).value, 'a');
});

test('escape=` keeps backslash as the only escape inside ${…} patterns', (t) => {
  const lex = new ShellLex({ escapeToken: '`' });
  t.is(lex.processWord('${V#\\*}', new Map([['V', '*x']])).value, 'x');
  // With a backtick escape the `*` stays a wildcard: the pattern is "`*", a literal backtick then anything.
  t.is(lex.processWord('${V#`*}', new Map([['V', '`yz']])).value, 'yz');
});

test('rawQuotes keeps quote characters but still expands inside double quotes', (t) => {
  t.is(processWord(`a'b $X'"$X c"`, env, { rawQuotes: true }).value, `a'b $X'"hi c"`);
});

test('rawEscapes keeps escape characters beside what they escape', (t) => {
  t.is(processWord('a\\ b\\$X', env, { rawEscapes: true }).value, 'a\\ b\\$X');
  t.deepEqual(processWords('a\\ b c', env, { rawEscapes: true }).words, ['a\\ b', 'c']);
  // Inside double quotes a kept escape before a non-escapable character appears twice, as in BuildKit.
  t.is(processWord('"\\t\\$"', env, { rawEscapes: true }).value, '\\\\t\\$');
});

test('skipProcessQuotes (heredoc bodies) expands through quotes and keeps them', (t) => {
  const lex = new ShellLex({ skipProcessQuotes: true });
  t.is(lex.processWord(`echo "$X" '$X' \\$X \${X:-"d"}`, env).value, `echo "hi" 'hi' $X hi`);
  t.is(lex.processWord(`it's "open`, env).value, `it's "open`);
});

test('skipUnsetEnv leaves references to unset names as written', (t) => {
  const result = processWord('$U ${U} ${U:-$X} ${U+w} ${U/a/b} ${U//a/b} ${X}', env, { skipUnsetEnv: true });
  // BuildKit prints `${U//a/b}` back with a single slash.
  t.is(result.value, '$U ${U} ${U:-hi} ${U+w} ${U/a/b} ${U/a/b} hi');
  t.deepEqual([...result.unmatched], ['U']);
  t.deepEqual([...result.matched], ['X']);
});

test('skipUnsetEnv does not hide an unsupported modifier on a set name', (t) => {
  t.is(processWord('${U:=x}', env, { skipUnsetEnv: true }).value, '${U:=x}');
  t.throws(() => processWord('${X:=x}', env, { skipUnsetEnv: true }), { message: /unsupported modifier \(:=\)/ });
});

test('a function env sees every lookup, and set-but-empty counts as matched', (t) => {
  const asked: string[] = [];
  const result = processWord('${A:-${B}}$EMPTY', (name) => {
    asked.push(name);
    return name === 'A' ? '1' : env.get(name);
  });
  t.is(result.value, '1');
  // The default word is processed even when it is not used, so B is looked up too.
  t.deepEqual(asked, ['B', 'A', 'EMPTY']);
  t.deepEqual([...result.matched].sort(), ['A', 'EMPTY']);
  t.deepEqual([...result.unmatched], ['B']);
});

test('word splitting follows Unicode White_Space and unquoted expansions', (t) => {
  t.deepEqual(processWords('$SPACED', env).words, ['a', 'b']);
  t.deepEqual(processWords('"$SPACED"', env).words, ['  a  b ']);
  t.deepEqual(processWords('x\u00a0y\u3000z\u200bw', env).words, ['x', 'y', 'z\u200bw']);
  t.deepEqual(processWords('"" a ""', env).words, ['a']);
});

test('a nested modifier word does not disturb the word it sits in', (t) => {
  // BuildKit's shared words buffer would give ["bc"] and ["0"] here; kiln keeps the text before the expansion.
  t.deepEqual(processWords('a${U:-b}c', env).words, ['abc']);
  t.deepEqual(processWords('8"${U:-0}"', env).words, ['80']);
});

test('a leading byte order mark is dropped, as Go text/scanner does', (t) => {
  t.is(processWord('\uFEFF$X', env).value, 'hi');
  t.is(processWord('a\uFEFF', env).value, 'a\uFEFF');
});

test('processWord and processWords agree with ShellLex.process', (t) => {
  const lex = new ShellLex();
  const both = lex.process('a $SPACED', env);
  t.is(both.value, 'a   a  b ');
  t.deepEqual(both.words, ['a', 'a', 'b']);
  t.deepEqual(lex.processWord('a $SPACED', env).value, both.value);
  t.deepEqual(lex.processWords('a $SPACED', env).words, both.words);
});

// BuildKit's integration tests testCopyHeredocSpecialSymbols and testHeredocVarSubstitution: COPY <<EOF bodies.
const heredocBodies: readonly (readonly [string, string])[] = [
  ['"quotes in file"\n', '"quotes in file"\n'],
  ['\\\n', '\n'],
  ['\\\\\n', '\\\n'],
  ['\\$\n', '$\n'],
  ['Hello ${name}!\n', 'Hello world!\n'],
  ["Hello '${name}'!\n", "Hello 'world'!\n"],
  ['Hello "${name}"!\n', 'Hello "world"!\n'],
];
for (const [body, file] of heredocBodies) {
  test(`heredoc body ${JSON.stringify(body)} becomes ${JSON.stringify(file)}`, (t) => {
    const lex = new ShellLex({ skipProcessQuotes: true });
    t.is(lex.processWord(body, new Map([['name', 'world']])).value, file);
  });
}
