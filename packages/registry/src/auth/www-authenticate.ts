/**
 * One challenge of a `WWW-Authenticate` header: the scheme lower-cased
 * (`bearer`, `basic`) and its parameters with lower-cased names.
 */
export interface AuthChallenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses a `WWW-Authenticate` header (RFC 7235): one or more challenges, each a
 * scheme followed by comma-separated `name=value` parameters whose values are
 * tokens or quoted strings with backslash escapes. Malformed tails are dropped
 * rather than thrown: the header comes from a server, and a partial challenge
 * still tells us the scheme. Returns `[]` for an empty header.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  let i = 0;
  const n = header.length;
  const skipSpace = (): void => {
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n && !/[\s,="]/.test(header[i]!)) i++;
    return header.slice(start, i);
  };
  while (i < n) {
    skipSpace();
    if (header[i] === ',') {
      i++;
      continue;
    }
    const word = readToken();
    if (word === '') {
      i++;
      continue;
    }
    skipSpace();
    const current = challenges.at(-1);
    if (header[i] === '=' && current !== undefined) {
      i++;
      skipSpace();
      current.params[word.toLowerCase()] = header[i] === '"' ? readQuoted() : readToken();
      continue;
    }
    challenges.push({ scheme: word.toLowerCase(), params: {} });
  }
  return challenges;

  function readQuoted(): string {
    i++; // opening quote
    let value = '';
    while (i < n && header[i] !== '"') {
      if (header[i] === '\\' && i + 1 < n) i++;
      value += header[i];
      i++;
    }
    i++; // closing quote
    return value;
  }
}
