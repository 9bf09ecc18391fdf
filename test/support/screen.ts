/**
 * What a terminal shows after some output: a small emulator of the escapes
 * kiln's displays use (cursor up/down/column, erase line, erase below, SGR
 * colours ignored) and of wrapping at `columns`. The screen has no height
 * limit (scrollback included), so every line written stays readable.
 */
export interface Screen {
  /** The lines, trailing spaces removed, trailing empty lines dropped. */
  readonly lines: string[];
  /** Escape sequences met that the emulator does not know (a display should not send any). */
  readonly unknown: string[];
}

/** Plays `output` on a terminal `columns` wide. */
export function playScreen(output: string, columns: number): Screen {
  const grid: string[][] = [[]];
  const unknown: string[] = [];
  let row = 0;
  let col = 0;
  const line = (): string[] => (grid[row] ??= []);
  for (let i = 0; i < output.length; i++) {
    const ch = output[i]!;
    if (ch === '\x1b') {
      const m = /^\x1b\[(\??)([0-9;]*)([A-Za-z])/.exec(output.slice(i, i + 16));
      if (m === null) {
        unknown.push(JSON.stringify(output.slice(i, i + 6)));
        continue;
      }
      i += m[0].length - 1;
      const n = m[2] === '' ? 1 : Number(m[2]!.split(';')[0]);
      switch (m[3]) {
        case 'A': row = Math.max(0, row - n); break;
        case 'B': row += n; break;
        case 'G': col = n - 1; break;
        case 'K': if (m[2] === '2') grid[row] = []; else line().length = Math.min(line().length, col); break;
        case 'J': line().length = Math.min(line().length, col); grid.length = row + 1; break;
        case 'm': break;
        default: if (m[1] !== '?') unknown.push(m[0]);
      }
      continue;
    }
    if (ch === '\r') { col = 0; continue; }
    if (ch === '\n') { row++; col = 0; continue; }
    if (col >= columns) { row++; col = 0; }
    const l = line();
    while (l.length < col) l.push(' ');
    l[col++] = ch;
  }
  const lines = Array.from({ length: grid.length }, (_, r) => (grid[r] ?? []).join('').trimEnd());
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return { lines, unknown };
}
