/**
 * Loads chevrotain's single-file bundle instead of its package entry.
 *
 * Why: the package entry (`lib/src/api.js`) pulls in dozens of ES modules and
 * costs about 40 ms per process start on this machine; the bundled
 * `lib/chevrotain.min.mjs` shipped in the same package loads in about 6 ms
 * (measured with `node -e "await import(...)"`). The CLI starts often, so the
 * parser must not pay the slow path. The bundle is not listed in the package's
 * `exports`, so it is found next to the resolved entry by relative URL.
 * Types still come from the package (`import type`), so nothing is untyped.
 */
import type * as Chevrotain from 'chevrotain';

/** `import.meta.resolve` exists in Node and browsers; this package has no Node or DOM types, so it is declared here. */
interface ImportMetaWithResolve {
  resolve(specifier: string): string;
}

/** The WHATWG URL constructor (Node and browsers); declared here for the same reason. */
declare const URL: new (url: string, base: string) => { readonly href: string };

async function loadChevrotain(): Promise<typeof Chevrotain> {
  const meta = import.meta as unknown as Partial<ImportMetaWithResolve>;
  if (typeof meta.resolve === 'function') {
    try {
      // The entry is `<pkg>/lib/src/api.js`; the bundle is `<pkg>/lib/chevrotain.min.mjs`.
      const bundle = new URL('../chevrotain.min.mjs', meta.resolve('chevrotain')).href;
      return (await import(bundle)) as typeof Chevrotain;
    } catch {
      // A layout change in a future chevrotain: fall back to the (slower) entry below.
    }
  }
  return await import('chevrotain');
}

/** The chevrotain module, loaded once when this package is first imported. */
export const chevrotain: typeof Chevrotain = await loadChevrotain();
