/** Go's `unicode.IsSpace`: exactly the Unicode White_Space property. */
export function isGoSpace(ch: string): boolean {
  return WHITE_SPACE.test(ch);
}

const WHITE_SPACE = /^\p{White_Space}$/u;

/**
 * Collects the words of {@link ShellLex.processWords} as BuildKit's
 * `wordsStruct` does. Text from quotes and escapes is added raw (never
 * splits); text from unquoted characters and unquoted `$` expansions splits
 * on whitespace. A quoted empty string opens a word but never makes one.
 */
export class WordSplitter {
  readonly #words: string[] = [];
  #word = '';
  #inWord = false;

  /** Adds one unquoted character: whitespace ends the current word. */
  addChar(ch: string): void {
    if (isGoSpace(ch)) {
      if (this.#inWord && this.#word.length !== 0) {
        this.#words.push(this.#word);
        this.#word = '';
        this.#inWord = false;
      }
    } else {
      this.addRaw(ch);
    }
  }

  /** Adds unquoted text character by character (an unquoted expansion). */
  addSplitting(text: string): void {
    for (const ch of text) this.addChar(ch);
  }

  /** Adds quoted or escaped text, which never splits. */
  addRaw(text: string): void {
    this.#word += text;
    this.#inWord = true;
  }

  /** The words so far, the open one included if it is non-empty. */
  finish(): string[] {
    if (this.#word.length > 0) {
      this.#words.push(this.#word);
      this.#word = '';
      this.#inWord = false;
    }
    return this.#words;
  }
}
