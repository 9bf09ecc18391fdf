import { PermissionDeniedError } from '@kiln/errors';
import type { Definition } from '@kiln/llb';

/** What a build may be allowed beyond its sandbox (`--allow`), as BuildKit names them. */
export type Entitlement = 'network.host' | 'security.insecure';

/** The entitlements kiln knows, for flag validation. */
export const entitlements: readonly Entitlement[] = ['network.host', 'security.insecure'];

/**
 * Refuses a build graph that needs an entitlement it was not given, before
 * any step runs, as BuildKit does: a Dockerfile cannot grant itself the host's
 * network (`RUN --network=host`) or all capabilities (`RUN --security=insecure`).
 * Throws PermissionDeniedError `entitlement X is not allowed` naming the step.
 */
export function checkEntitlements(definition: Definition, allowed: ReadonlySet<Entitlement>): void {
  for (const { vertex, metadata } of definition.vertices) {
    if (vertex.op.type !== 'exec') continue;
    const need: Entitlement[] = [];
    if (vertex.op.meta.network === 'host') need.push('network.host');
    if (vertex.op.meta.security === 'insecure') need.push('security.insecure');
    for (const e of need) {
      if (!allowed.has(e)) throw new PermissionDeniedError(`entitlement ${e} is not allowed (${metadata.name}): pass --allow ${e} to permit it`);
    }
  }
}
