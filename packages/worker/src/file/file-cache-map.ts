import { digestOf, type FileOp } from '@kiln/llb';
import type { Platform } from '@kiln/oci';
import type { CacheMap } from '@kiln/solver';

/**
 * The file op's part of its cache key. The digest covers the actions and the
 * platform. An input read only as a copy source is keyed by the content of
 * the copied paths (`contentBased`, selectors = the copy sources, wildcards
 * kept, `--parents` pivots dropped), so an unrelated change in the context or
 * in another stage still hits the cache; an input that is a destination tree
 * is keyed by its cache key. Parts: one per action, named for people
 * (`copy src → dest`, `mkdir /app`), valued by the action's digest.
 */
export function fileCacheMap(op: FileOp, inputCount: number, platform: Platform | undefined): CacheMap {
  const deps = Array.from({ length: inputCount }, () => ({ asDest: false, whole: false, selectors: new Set<string>() }));
  const parts: Record<string, string> = {};
  op.actions.forEach((fa, i) => {
    const a = fa.action;
    if (fa.input >= 0 && fa.input < inputCount) deps[fa.input]!.asDest = true;
    if (a.kind === 'copy' && fa.secondaryInput >= 0 && fa.secondaryInput < inputCount) {
      const dep = deps[fa.secondaryInput]!;
      const selector = a.src.replace('/./', '/').replace(/^\/+|\/+$/g, '');
      if (selector === '' || selector === '.') dep.whole = true;
      else dep.selectors.add(selector);
    }
    let name = a.kind === 'copy' ? `copy ${a.src} → ${a.dest}` : a.kind === 'symlink' ? `symlink ${a.newpath} → ${a.oldpath}` : `${a.kind} ${a.path}`;
    if (name in parts) name = `${name} (${i + 1})`;
    parts[name] = digestOf(a);
  });
  return {
    digest: digestOf({ kind: 'file', actions: op.actions, platform: platform ?? null }),
    deps: deps.map((d) => ({ contentBased: !d.asDest && (d.whole || d.selectors.size > 0), selectors: d.asDest || d.whole ? [] : [...d.selectors].sort() })),
    parts,
  };
}
