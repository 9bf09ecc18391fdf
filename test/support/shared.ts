/**
 * Where the shared conformance corpus is: `../shared` beside the repository
 * (present in CI). Tests read it at run time and never copy it in.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** `../shared/conformance/buildkit` beside the repository, or `KILN_SHARED` when set. */
export const buildkitCorpus = path.join(process.env.KILN_SHARED ?? path.join(repoRoot, '..', 'shared'), 'conformance', 'buildkit');

/**
 * The absolute path of `parts` inside the BuildKit corpus, or `undefined` when
 * the corpus is absent; then it prints a visible notice once per path, so a
 * skipped corpus is never silent.
 */
export function corpusPath(...parts: string[]): string | undefined {
  const p = path.join(buildkitCorpus, ...parts);
  if (fs.existsSync(p)) return p;
  process.stderr.write(`NOTICE: conformance corpus ${p} is absent; its cases are skipped\n`);
  return undefined;
}

/** Reads and parses a JSON file of the corpus, or `undefined` when absent. */
export function readCorpusJson<T = unknown>(...parts: string[]): T | undefined {
  const p = corpusPath(...parts);
  return p === undefined ? undefined : (JSON.parse(fs.readFileSync(p, 'utf8')) as T);
}
