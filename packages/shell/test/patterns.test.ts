// ${a#p} ${a%p} ${a/p/r} ${a//p/r}: Go regexp semantics carried over to JavaScript.
import test from 'ava';
import { processWord } from '@kiln/shell';

const expand = (word: string, vars: Record<string, string>): string => processWord(word, new Map(Object.entries(vars))).value;

test('# and % take the shortest match, ## and %% the longest', (t) => {
  const v = { P: 'a/b/c.tar.gz' };
  t.is(expand('${P#*/}', v), 'b/c.tar.gz');
  t.is(expand('${P##*/}', v), 'c.tar.gz');
  t.is(expand('${P%.*}', v), 'a/b/c.tar');
  t.is(expand('${P%%.*}', v), 'a/b/c');
  t.is(expand('${P#?/}', v), 'b/c.tar.gz');
  t.is(expand('${P%x}', v), 'a/b/c.tar.gz');
});

test('a wildcard does not cross a newline (Go . excludes only \\n)', (t) => {
  t.is(expand('${V##*}', { V: 'x\ny' }), '\ny');
  t.is(expand('${V%%*}', { V: 'x\ny' }), 'x\n');
  t.is(expand('${V#?}', { V: '\rz' }), 'z');
});

test('wildcards count code points, not UTF-16 units', (t) => {
  t.is(expand('${V#?}', { V: '🚀x' }), 'x');
  t.is(expand('${V%?}', { V: 'x🖖' }), 'x');
  t.is(expand('${V//?/.}', { V: 'a🚀b' }), '...');
});

test('brackets and regex syntax are literal', (t) => {
  t.is(expand('${V#[ab]}', { V: '[ab]c' }), 'c');
  t.is(expand('${V/a+b/-}', { V: 'aab a+b' }), 'aab -');
});

test('/ replaces the first match, * greedily', (t) => {
  t.is(expand('${V/b*/X}', { V: 'abcabc' }), 'aX');
  t.is(expand('${V/b/X}', { V: 'abcabc' }), 'aXcabc');
  t.is(expand('${V/z/X}', { V: 'abc' }), 'abc');
});

test('// skips an empty match right after a match, as Go ReplaceAllString', (t) => {
  t.is(expand('${V//*/-}', { V: 'ab' }), '-');
  t.is(expand('${V//$E/-}', { V: 'ab', E: '' }), '-a-b-');
  t.is(expand('${V///}', { V: 'ab' }), 'ab');
});

test('// expands $0 and $$ in the replacement; / inserts it literally', (t) => {
  const v = { V: 'abc', R: '<$0|${0}|$$|$1|$x|${x|$>' };
  t.is(expand('${V//b/$R}', v), 'a<b|b|$|||${x|$>c');
  t.is(expand('${V/b/$R}', v), 'a<$0|${0}|$$|$1|$x|${x|$>c');
  // The escape is kept in the replacement, and Go then sees `\` and `$0`.
  t.is(expand('${V//b/\\$0}', v), 'a\\bc');
});

test('\\} and \\/ protect the delimiters inside patterns', (t) => {
  t.is(expand('${V#a\\}}', { V: 'a}b' }), 'b');
  t.is(expand('${V//\\//_}', { V: 'a/b/c' }), 'a_b_c');
});

test('a pattern taken from a variable is a glob too', (t) => {
  t.is(expand('${V#$P}', { V: 'xxyy', P: '*x' }), 'xyy');
  t.is(expand('${V##$P}', { V: 'xxyy', P: '*x' }), 'yy');
});
