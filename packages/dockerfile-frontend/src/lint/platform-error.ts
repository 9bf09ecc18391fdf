/**
 * containerd's words for a platform specifier it cannot parse, which
 * BuildKit passes on (`failed to parse platform …: "" is an invalid component
 * of "linux/": …`), so that kiln's lint reports what a BuildKit build would.
 */

const component = /^[A-Za-z0-9_.-]+$/;
/** containerd's first component: an OS, optionally with `(os.version)`. */
const osComponent = /^[A-Za-z0-9_-]+(?:\([A-Za-z0-9_.-]*\))?$/;

/**
 * containerd's `platforms.Parse` error for a specifier with a bad component
 * (a wildcard, an empty or ill-formed part), or `undefined` when every
 * component is well-formed (any other problem is the caller's to word).
 */
export function platformSpecifierError(specifier: string): string | undefined {
  if (specifier.includes('*')) return `${JSON.stringify(specifier)}: wildcards not yet supported: invalid argument`;
  const parts = specifier.split('/');
  for (const [i, part] of parts.entries()) {
    if (!(i === 0 ? osComponent.test(part) || component.test(part) : component.test(part))) {
      return `${JSON.stringify(part)} is an invalid component of ${JSON.stringify(specifier)}: platform specifier component must match ${JSON.stringify(component.source)}: invalid argument`;
    }
  }
  return undefined;
}
