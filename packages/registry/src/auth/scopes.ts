/**
 * Token scopes as the distribution token spec writes them:
 * `repository:<name>:<action>[,<action>…]` (also `registry:catalog:*`).
 * A repository name never holds a colon, but a resource type may carry a
 * class (`repository(plugin):name:pull`), so the name is what lies between
 * the first and the last colon.
 */

/** `repository:<repository>:<actions joined by ','>`. */
export function repositoryScope(repository: string, actions: readonly ('pull' | 'push' | 'delete' | '*')[]): string {
  return `repository:${repository}:${actions.join(',')}`;
}

/**
 * Merges scopes naming the same resource, sorts resources and actions, and
 * drops empty strings, so equal permission sets give equal cache keys.
 */
export function normalizeScopes(scopes: readonly string[]): string[] {
  const byResource = new Map<string, Set<string>>();
  for (const scope of scopes) {
    for (const one of scope.split(' ')) {
      const last = one.lastIndexOf(':');
      if (one === '' || last <= 0) continue;
      const resource = one.slice(0, last);
      const actions = byResource.get(resource) ?? new Set<string>();
      for (const action of one.slice(last + 1).split(',')) if (action !== '') actions.add(action);
      byResource.set(resource, actions);
    }
  }
  return [...byResource.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([resource, actions]) => `${resource}:${[...actions].sort().join(',')}`);
}
