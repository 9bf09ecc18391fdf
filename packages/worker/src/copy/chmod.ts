import { InvalidArgumentError } from '@kiln/errors';

/** A change of permission bits: the 12 low bits of a mode in, the new ones out. */
export type ModeChange = (mode: number, isDir: boolean) => number;

const who = { u: 0o4700, g: 0o2070, o: 0o1007 } as const;
const classShift = { u: 6, g: 3, o: 0 } as const;

/**
 * Parses COPY/ADD `--chmod`: an octal number (0–07777, given as a number or
 * an octal string) sets the mode outright; a chmod(1) symbolic mode
 * (`u+x,g-w`, `a=rX`, `go=u`, `+x`) changes the source file's mode clause by
 * clause. An empty "who" means all classes (no umask applies, as in fsutil).
 * `X` adds execute only for directories and files that have some execute bit.
 *
 * @throws InvalidArgumentError quoting the value when it is neither.
 */
export function parseChmod(value: number | string): ModeChange {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 0o7777) throw invalid(String(value));
    return () => value;
  }
  if (/^[0-7]+$/.test(value)) {
    const n = Number.parseInt(value, 8);
    if (n > 0o7777) throw invalid(value);
    return () => n;
  }
  const clauses = value.split(',').map((c) => parseClause(c, value));
  return (mode, isDir) => clauses.reduce((m, apply) => apply(m, isDir), mode & 0o7777);
}

type Clause = (mode: number, isDir: boolean) => number;

function parseClause(clause: string, whole: string): Clause {
  const m = /^([ugoa]*)((?:[-+=](?:[ugo]|[rwxXst]*))+)$/.exec(clause);
  if (m === null) throw invalid(whole);
  const classes = m[1]!.includes('a') || m[1] === '' ? (['u', 'g', 'o'] as const) : ([...new Set(m[1]!)] as ('u' | 'g' | 'o')[]);
  const ops = [...m[2]!.matchAll(/([-+=])([ugo]|[rwxXst]*)/g)].map(([, op, perms]) => ({ op: op!, perms: perms! }));
  return (mode, isDir) => {
    for (const { op, perms } of ops) {
      let bits = 0;
      if (perms.length === 1 && 'ugo'.includes(perms)) {
        // Copy another class's rwx bits (`g=u`).
        const src = (mode >> classShift[perms as 'u' | 'g' | 'o']) & 7;
        for (const c of classes) bits |= src << classShift[c];
      } else {
        for (const c of classes) {
          const s = classShift[c];
          if (perms.includes('r')) bits |= 4 << s;
          if (perms.includes('w')) bits |= 2 << s;
          if (perms.includes('x') || (perms.includes('X') && (isDir || (mode & 0o111) !== 0))) bits |= 1 << s;
          if (perms.includes('s') && c !== 'o') bits |= c === 'u' ? 0o4000 : 0o2000;
          if (perms.includes('t') && c === 'o') bits |= 0o1000;
        }
      }
      if (op === '+') mode |= bits;
      else if (op === '-') mode &= ~bits;
      else {
        let mask = 0;
        for (const c of classes) mask |= who[c];
        mode = (mode & ~mask) | bits;
      }
    }
    return mode & 0o7777;
  };
}

function invalid(value: string): InvalidArgumentError {
  return new InvalidArgumentError(`invalid chmod parameter: ${JSON.stringify(value)}: expected an octal mode between 0 and 07777 or a symbolic mode such as "u+x,g-w"`);
}
