// --chmod parsing: octal and chmod(1) symbolic modes.
import test from 'ava';
import { parseChmod } from '@kiln/worker';
import { ErrorCode, isKilnError } from '@kiln/errors';

const cases: [spec: string | number, from: number, isDir: boolean, to: number][] = [
  ['755', 0o600, false, 0o755],
  ['0644', 0o777, true, 0o644],
  ['4755', 0, false, 0o4755],
  [0o700, 0o644, false, 0o700],
  ['u+x', 0o644, false, 0o744],
  ['+x', 0o644, false, 0o755],
  ['a-w', 0o666, false, 0o444],
  ['go-rwx', 0o777, false, 0o700],
  ['u=rwX,go=rX', 0o640, false, 0o644],
  ['u=rwX,go=rX', 0o640, true, 0o755],
  ['a+X', 0o744, false, 0o755],
  ['g=u', 0o640, false, 0o660],
  ['o=g', 0o650, false, 0o655],
  ['u+s,g+s', 0o755, false, 0o6755],
  ['+t', 0o777, true, 0o1777],
  ['u=r', 0o4755, false, 0o455],
  ['u+x,g-w,o=', 0o664, false, 0o740],
  ['u+r-w', 0o200, false, 0o400],
];

for (const [spec, from, isDir, to] of cases) {
  test(`chmod ${JSON.stringify(spec)} on ${from.toString(8)}${isDir ? ' (dir)' : ''} gives ${to.toString(8)}`, (t) => {
    t.is(parseChmod(spec)(from, isDir).toString(8), to.toString(8));
  });
}

for (const bad of ['', '8', '17777', 'x+u', 'u+q', 'u', 'u+x,', 'rw']) {
  test(`chmod ${JSON.stringify(bad)} is refused, quoting it`, (t) => {
    const err = t.throws(() => parseChmod(bad));
    t.true(isKilnError(err) && err.code === ErrorCode.InvalidArgument);
    t.true(err!.message.includes(JSON.stringify(bad)));
  });
}
