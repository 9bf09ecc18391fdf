/** End of input, as `text/scanner`'s EOF. */
export const EOF = undefined;

/**
 * A cursor over the code points of a string with Go `text/scanner`'s
 * `Peek`/`Next` behaviour: one U+FEFF at the very start is skipped (Go treats
 * it as a byte order mark), and reading past the end keeps returning EOF.
 */
export class CodePointScanner {
  readonly #chars: string[];
  #pos: number;

  constructor(text: string) {
    this.#chars = Array.from(text);
    this.#pos = this.#chars[0] === '\uFEFF' ? 1 : 0;
  }

  /** The next code point without consuming it, or `undefined` at the end. */
  peek(): string | undefined {
    return this.#chars[this.#pos];
  }

  /** Consumes and returns the next code point, or `undefined` at the end. */
  next(): string | undefined {
    const ch = this.#chars[this.#pos];
    if (ch !== undefined) this.#pos++;
    return ch;
  }
}

/** How Go prints a rune that may be EOF: `string(rune(-1))` is U+FFFD. */
export function runeText(ch: string | undefined): string {
  return ch ?? '\uFFFD';
}
