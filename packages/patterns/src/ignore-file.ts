/**
 * Reading `.dockerignore` files (moby `ignorefile.ReadAll`) and choosing which
 * one applies to a build (BuildKit's dockerui: `<Dockerfile>.dockerignore`
 * beside the Dockerfile, else `.dockerignore` at the context root).
 */
import { InvalidArgumentError } from '@kiln/errors';
import { cleanPath, trimGoSpace } from './go-path.js';

/** The ignore file at the root of a build context. */
export const DEFAULT_IGNORE_FILE = '.dockerignore';

/** Go's `bufio.MaxScanTokenSize`: ReadAll fails on a longer line. */
const MAX_LINE_BYTES = 64 * 1024;

/**
 * Parses the text of an ignore file into patterns, as moby's
 * `ignorefile.ReadAll`: a UTF-8 BOM is dropped; lines are split on `\n` (one
 * trailing `\r` removed); lines starting with `#` in column 0 are comments;
 * other lines are trimmed (Go white space) and dropped when empty; a leading
 * `!` is split off and the rest trimmed again; the pattern is path-cleaned and
 * one leading `/` removed (patterns are relative to the context root anyway);
 * the `!` is put back. A lone `!` is kept (the matcher rejects it).
 * `undefined` (no file) gives no patterns.
 *
 * @throws InvalidArgumentError for a line of 64 KiB or more (Go's scanner
 *   limit: "token too long").
 */
export function parseIgnoreFile(text: string | undefined): string[] {
  if (text === undefined) return [];
  const out: string[] = [];
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (n === 0 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line.length * 3 >= MAX_LINE_BYTES && utf8Length(line) >= MAX_LINE_BYTES) {
      throw new InvalidArgumentError(`ignore file line ${n + 1} is ${utf8Length(line)} bytes: expected lines shorter than ${MAX_LINE_BYTES} bytes (token too long)`);
    }
    if (line.startsWith('#')) continue;
    let pattern = trimGoSpace(line);
    if (pattern === '') continue;
    const invert = pattern.charCodeAt(0) === 33; /* ! */
    if (invert) pattern = trimGoSpace(pattern.slice(1));
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.charCodeAt(0) === 47) pattern = pattern.slice(1);
    }
    out.push(invert ? '!' + pattern : pattern);
  }
  return out;
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * The ignore files to try for a build, in order; the first that EXISTS wins,
 * even when empty (an empty `Dockerfile.dockerignore` disables `.dockerignore`).
 *
 * 1. `<dockerfilePath>.dockerignore`: the Dockerfile's own name plus
 *    `.dockerignore`, beside it (same directory, same base as `dockerfilePath`;
 *    BuildKit reads it from the Dockerfile's local, e.g. `Dockerfile.dockerignore`,
 *    `foo.Dockerfile.dockerignore`). It keeps the name as given even when the
 *    Dockerfile was found through the lowercase `dockerfile` fallback.
 * 2. `.dockerignore`, relative to the build-context root.
 *
 * When the Dockerfile does not come from a local directory (git or HTTP
 * context, or a frontend input), BuildKit applies neither.
 */
export function ignoreFileCandidates(dockerfilePath: string): string[] {
  return [`${dockerfilePath}.dockerignore`, DEFAULT_IGNORE_FILE];
}

/**
 * Reads the ignore patterns that apply to a build, trying
 * {@link ignoreFileCandidates} in order with the caller's reader.
 *
 * @param read returns a candidate's text, or `undefined` when it does not
 *   exist; index 0 is resolved beside the Dockerfile, index 1 at the context root.
 * @returns the patterns and the name of the file they came from (`undefined`
 *   when neither exists).
 * @throws InvalidArgumentError from {@link parseIgnoreFile}, with the file name.
 */
export async function readIgnorePatterns(
  dockerfilePath: string,
  read: (path: string, index: number) => Promise<string | undefined> | string | undefined,
): Promise<{ patterns: string[]; source: string | undefined }> {
  const candidates = ignoreFileCandidates(dockerfilePath);
  for (let i = 0; i < candidates.length; i++) {
    const name = candidates[i]!;
    const text = await read(name, i);
    if (text === undefined) continue;
    try {
      return { patterns: parseIgnoreFile(text), source: name };
    } catch (err) {
      throw new InvalidArgumentError(`failed parsing ${name}: ${(err as Error).message}`, { cause: err });
    }
  }
  return { patterns: [], source: undefined };
}
