import type { CacheStore, ContentDigest, KeyParts } from './contract.js';

/** How many paths of one input's content a miss reason names before it says "and N more". */
export const MAX_PATHS_PER_INPUT = 3;

/**
 * Why a step's cache key differs from the last time the step ran, as short
 * phrases, most specific first: the op's own parts (`command changed`,
 * `env VERSION changed`, `env DEBUG added`), then each input (`src/app.js
 * changed`, `input 0 ([build 2/4] COPY . .) changed`).
 *
 * @param current - the key parts of this build.
 * @param last - the key parts recorded when the step last ran ({@link CacheStore.lastParts}).
 * @param inputNames - per input, the progress name of the vertex it comes from, when known.
 * @param partLabels - names for people of op parts (`env VERSION` → `build-arg VERSION`), from the vertex's metadata.
 * @returns the phrases; `['no cached result for this definition']` when the
 *   parts are equal (the op changed in a way its parts do not name, or the
 *   cached result was pruned).
 */
export function cacheMissReasons(
  current: KeyParts,
  last: KeyParts,
  inputNames: readonly (string | undefined)[] = [],
  partLabels: Readonly<Record<string, string>> = {},
): string[] {
  const reasons = [...opPartReasons(current.op, last.op, partLabels)];
  if (current.inputs.length !== last.inputs.length) {
    reasons.push(`inputs changed (${last.inputs.length} before, ${current.inputs.length} now)`);
  } else {
    current.inputs.forEach((input, i) => {
      const before = last.inputs[i]!;
      const label = inputLabel(i, inputNames[i]);
      if ('key' in input && 'key' in before) {
        if (input.key !== before.key) reasons.push(`${label} changed`);
      } else if ('content' in input && 'content' in before) {
        reasons.push(...contentReasons(input.content, before.content, label));
      } else {
        reasons.push(`${label} changed`);
      }
    });
  }
  return reasons.length === 0 ? ['no cached result for this definition'] : reasons;
}

/**
 * {@link cacheMissReasons} as one line for a `vertex.cachemiss` event, e.g.
 * `src/app.js changed, env VERSION changed`. At most `limit` phrases; the rest
 * are counted (`and 2 more changes`).
 */
export function explainCacheMiss(
  current: KeyParts,
  last: KeyParts,
  inputNames: readonly (string | undefined)[] = [],
  limit = 4,
  partLabels: Readonly<Record<string, string>> = {},
): string {
  const reasons = cacheMissReasons(current, last, inputNames, partLabels);
  const shown = reasons.slice(0, limit);
  const rest = reasons.length - shown.length;
  return rest > 0 ? `${shown.join(', ')}, and ${rest} more ${rest === 1 ? 'change' : 'changes'}` : shown.join(', ');
}

function opPartReasons(current: Readonly<Record<string, string>>, last: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): string[] {
  const reasons: string[] = [];
  const label = (name: string): string => labels[name] ?? name;
  for (const name of Object.keys(current)) {
    if (!(name in last)) reasons.push(`${label(name)} added`);
    else if (current[name] !== last[name]) reasons.push(`${label(name)} changed`);
  }
  for (const name of Object.keys(last)) if (!(name in current)) reasons.push(`${label(name)} removed`);
  return reasons;
}

function contentReasons(current: ContentDigest, last: ContentDigest, label: string): string[] {
  if (current.digest === last.digest) return [];
  if (current.files === undefined || last.files === undefined) return [`content of ${label} changed`];
  const now = current.files;
  const before = last.files;
  const changes: string[] = [];
  for (const path of Object.keys(now).sort()) {
    if (!(path in before)) changes.push(`${path} added`);
    else if (now[path] !== before[path]) changes.push(`${path} changed`);
  }
  for (const path of Object.keys(before).sort()) if (!(path in now)) changes.push(`${path} removed`);
  // Equal file maps with different digests: metadata outside the per-file digests (such as the selection) changed.
  if (changes.length === 0) return [`content of ${label} changed`];
  const shown = changes.slice(0, MAX_PATHS_PER_INPUT);
  const rest = changes.length - shown.length;
  if (rest > 0) shown.push(`and ${rest} more ${rest === 1 ? 'file' : 'files'}`);
  return [shown.join(', ')];
}

function inputLabel(index: number, name: string | undefined): string {
  return name === undefined ? `input ${index}` : `input ${index} (${name})`;
}
