/** Typed views of the BuildKit shell corpus (`conformance/buildkit/shell`), read at test time. */
import { readCorpusJson } from '../../../test/support/shared.ts';

export interface EnvVarCase {
  readonly line: number;
  readonly platform: 'A' | 'U' | 'W';
  readonly input: string;
  readonly expected?: string;
  readonly error?: true;
}

export interface EnvVarCorpus {
  readonly env: Readonly<Record<string, string>>;
  readonly cases: readonly EnvVarCase[];
}

export interface WordsCase {
  readonly line: number;
  readonly input: string;
  readonly env: readonly string[];
  readonly expectedWords?: readonly string[];
  readonly error?: true;
}

export interface WordsCorpus {
  readonly cases: readonly WordsCase[];
}

export interface MatchesCase {
  readonly input: string;
  readonly env: Readonly<Record<string, string>>;
  readonly expected?: string;
  readonly expectedError?: true;
  readonly matched?: readonly string[];
  readonly unmatched?: readonly string[];
}

export interface LexVectors {
  readonly mandatoryEnvVars: {
    readonly cases: readonly { input: string; env: Record<string, string>; expected?: string; errorContains?: string }[];
  };
  readonly processWithMatches: { readonly cases: readonly MatchesCase[] };
  readonly platformFilename: {
    readonly input: string;
    readonly cases: readonly { env: Record<string, string>; expected: string }[];
  };
  readonly envsFromSlice: {
    readonly cases: readonly { env: string[]; lookup: string; value: string; found?: boolean }[];
  };
  readonly shellPatternToRegex: {
    readonly valid: readonly { pattern: string; goRegexp: string }[];
    readonly invalid: readonly string[];
    readonly reversePattern: { readonly cases: readonly { in: string; out: string }[] };
  };
}

export const envVarCorpus = readCorpusJson<EnvVarCorpus>('shell', 'envVarTest.json');
export const wordsCorpus = readCorpusJson<WordsCorpus>('shell', 'wordsTest.json');
export const lexVectors = readCorpusJson<LexVectors>('shell', 'lex-vectors.json');

/** A Map env from the corpus's object form. */
export function envMap(env: Readonly<Record<string, string>>): ReadonlyMap<string, string> {
  return new Map(Object.entries(env));
}

/** `JSON.stringify` for titles, so spaces, quotes and escapes in inputs stay visible. */
export function show(text: string): string {
  return JSON.stringify(text);
}
