import { normalizePlatform, samePlatform, type Platform } from './platform.js';

/**
 * Decides which image platforms can run on a wanted platform and orders them
 * best first, like containerd's `platforms.Only` (or `OnlyStrict` with
 * `strict`).
 */
export interface PlatformMatcher {
  /** True when an image for `platform` can run on the wanted platform. */
  match(platform: Platform): boolean;
  /** Negative when `a` is a better fit than `b`, positive when worse, 0 when equal; for `Array.prototype.sort`. */
  compare(a: Platform, b: Platform): number;
}

/**
 * The platforms, best first, whose images run on `wanted` (containerd's
 * compatibility vector): amd64/vN → amd64/vN-1 … → 386; arm/vN → arm/vN-1 …
 * arm/v5; arm64 (v8) → arm/v8 … arm/v5; arm64/v9.x → v9.0 → v8.x … → arm.
 * Without `strict` no fallback is offered except the platform itself.
 */
export function compatiblePlatforms(wanted: Platform, strict = false): Platform[] {
  const p = normalizePlatform(wanted);
  if (strict) return [p];
  const base = { os: p.os, ...(p['os.version'] ? { 'os.version': p['os.version'] } : {}) };
  const out: Platform[] = [p];
  const version = (v: string | undefined): number | undefined => {
    const m = /^v(\d+)$/.exec(v ?? '');
    return m ? Number(m[1]) : undefined;
  };
  switch (p.architecture) {
    case 'amd64': {
      for (let n = (version(p.variant) ?? 1) - 1; n >= 1; n--) {
        out.push({ ...base, architecture: 'amd64', ...(n > 1 ? { variant: `v${n}` } : {}) });
      }
      out.push({ ...base, architecture: '386' });
      break;
    }
    case 'arm': {
      for (let n = (version(p.variant) ?? 7) - 1; n >= 5; n--) out.push({ ...base, architecture: 'arm', variant: `v${n}` });
      break;
    }
    case 'arm64': {
      const m = /^v(\d+)(?:\.(\d+))?$/.exec(p.variant ?? 'v8');
      if (m) {
        let major = Number(m[1]);
        const firstMinor = m[2] === undefined ? 0 : Number(m[2]);
        let minor = firstMinor;
        // Walk down v9.x … v9.0, then v8.(x+5) … v8.0 (the plain arm64): containerd's rule, as v9.x implies v8.(x+5).
        const pushed = new Set([p.variant ?? '']);
        while (major >= 8) {
          for (; minor >= 0; minor--) {
            const variant = major === 8 && minor === 0 ? '' : minor === 0 ? `v${major}` : `v${major}.${minor}`;
            if (!pushed.has(variant)) {
              pushed.add(variant);
              out.push({ ...base, architecture: 'arm64', ...(variant ? { variant } : {}) });
            }
          }
          major--;
          minor = firstMinor + 5;
        }
      }
      for (let n = 8; n >= 5; n--) out.push({ ...base, architecture: 'arm', variant: `v${n}` });
      break;
    }
  }
  return out;
}

/**
 * A {@link PlatformMatcher} for `wanted`, which the caller supplies (usually
 * the host platform; this package never reads `process`).
 */
export function platformMatcher(wanted: Platform, options: { readonly strict?: boolean } = {}): PlatformMatcher {
  const vector = compatiblePlatforms(wanted, options.strict ?? false);
  const rank = (platform: Platform): number => {
    const i = vector.findIndex((candidate) => samePlatform(candidate, platform));
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  };
  return {
    match: (platform) => rank(platform) !== Number.MAX_SAFE_INTEGER,
    compare: (a, b) => rank(a) - rank(b),
  };
}

/** True when an image for `platform` runs on `wanted` (see {@link compatiblePlatforms}). */
export function platformMatches(wanted: Platform, platform: Platform, options: { readonly strict?: boolean } = {}): boolean {
  return platformMatcher(wanted, options).match(platform);
}
