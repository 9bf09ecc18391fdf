import { UnauthenticatedError, UnavailableError } from '@kiln/errors';
import type { CredentialsSource, RegistryCredentials } from '../credentials/credentials.js';
import { readBodyText, sendHttp } from '../http/request.js';
import { isRetryableNetworkError, isRetryableStatus, retryDelay, sleep, type RetryPolicy } from '../http/retry.js';
import { normalizeScopes } from './scopes.js';
import { parseWwwAuthenticate, type AuthChallenge } from './www-authenticate.js';

/** What a registry host asked for the last time it answered 401. */
type HostChallenge = { readonly scheme: 'bearer'; readonly realm: string; readonly service: string | undefined } | { readonly scheme: 'basic' };

interface CachedToken {
  readonly token: string;
  /** Epoch ms after which the token is not used again. */
  readonly expiresAt: number;
}

/** Tokens are refreshed this long before the expiry the server stated, so a request in flight does not carry a dead one. */
const expirySlackMs = 10_000;

/**
 * Answers "which Authorization header goes with this request?" for every
 * registry host kiln talks to. It learns each host's scheme from its first
 * `WWW-Authenticate` challenge, then for bearer hosts fetches tokens from the
 * realm (with the host's credentials, or anonymously) and caches them per
 * host and normalised scope set until they expire. Concurrent requests that
 * need the same token share one token request.
 */
export class Authorizer {
  readonly #credentials: CredentialsSource;
  readonly #userAgent: string;
  readonly #retry: RetryPolicy;
  readonly #challenges = new Map<string, HostChallenge>();
  readonly #tokens = new Map<string, Promise<CachedToken>>();
  readonly #credentialCache = new Map<string, Promise<RegistryCredentials | undefined>>();

  constructor(credentials: CredentialsSource, userAgent: string, retry: RetryPolicy) {
    this.#credentials = credentials;
    this.#userAgent = userAgent;
    this.#retry = retry;
  }

  /**
   * The Authorization header value to send to `host` for `scopes`, from what
   * the host asked before; `undefined` when it never challenged us.
   */
  async authorization(host: string, scopes: readonly string[], signal?: AbortSignal): Promise<string | undefined> {
    const challenge = this.#challenges.get(host);
    if (challenge === undefined) return undefined;
    const credentials = await this.#credentialsFor(host);
    if (challenge.scheme === 'basic') {
      return credentials?.kind === 'basic' ? basicHeader(credentials.username, credentials.password) : undefined;
    }
    if (credentials?.kind === 'registryToken') return `Bearer ${credentials.token}`;
    const token = await this.#token(host, challenge, normalizeScopes(scopes), credentials, signal);
    return `Bearer ${token.token}`;
  }

  /**
   * Records a 401's `WWW-Authenticate` header for `host`, adding the scope it
   * names to `scopes`, and drops the cached token that was just refused.
   * Returns the scopes to use on the retry.
   *
   * @throws UnauthenticatedError when the challenge names no scheme kiln speaks.
   */
  async challenged(host: string, header: string | undefined, scopes: readonly string[]): Promise<string[]> {
    const challenges = parseWwwAuthenticate(header ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm !== undefined);
    const chosen: AuthChallenge | undefined = bearer ?? challenges.find((c) => c.scheme === 'basic');
    if (chosen === undefined) {
      throw new UnauthenticatedError(`registry ${host} answered 401 with no usable challenge (WWW-Authenticate: ${JSON.stringify(header ?? '')})`);
    }
    const merged = normalizeScopes([...scopes, ...(chosen.params.scope === undefined ? [] : [chosen.params.scope])]);
    if (chosen.scheme === 'bearer') {
      this.#challenges.set(host, { scheme: 'bearer', realm: chosen.params.realm!, service: chosen.params.service });
      this.#tokens.delete(tokenKey(host, merged));
      this.#tokens.delete(tokenKey(host, normalizeScopes(scopes)));
    } else {
      this.#challenges.set(host, { scheme: 'basic' });
    }
    // Credentials may have changed since (a login in another shell): read them afresh.
    this.#credentialCache.delete(host);
    return merged;
  }

  /** True when kiln holds any credentials for `host` (used to word 401 errors). */
  async hasCredentials(host: string): Promise<boolean> {
    return (await this.#credentialsFor(host)) !== undefined;
  }

  #credentialsFor(host: string): Promise<RegistryCredentials | undefined> {
    let found = this.#credentialCache.get(host);
    if (found === undefined) {
      found = this.#credentials(host);
      this.#credentialCache.set(host, found);
      found.catch(() => this.#credentialCache.delete(host));
    }
    return found;
  }

  #token(host: string, challenge: HostChallenge & { scheme: 'bearer' }, scopes: string[], credentials: RegistryCredentials | undefined, signal?: AbortSignal): Promise<CachedToken> {
    const key = tokenKey(host, scopes);
    const cached = this.#tokens.get(key);
    if (cached !== undefined) {
      return cached.then((token) => {
        if (token.expiresAt > Date.now()) return token;
        if (this.#tokens.get(key) === cached) this.#tokens.delete(key);
        return this.#token(host, challenge, scopes, credentials, signal);
      });
    }
    const fetching = this.#fetchToken(host, challenge, scopes, credentials, signal);
    this.#tokens.set(key, fetching);
    fetching.catch(() => {
      if (this.#tokens.get(key) === fetching) this.#tokens.delete(key);
    });
    return fetching;
  }

  async #fetchToken(host: string, challenge: HostChallenge & { scheme: 'bearer' }, scopes: string[], credentials: RegistryCredentials | undefined, signal?: AbortSignal): Promise<CachedToken> {
    const url = new URL(challenge.realm);
    const headers: Record<string, string> = { 'user-agent': this.#userAgent, accept: 'application/json' };
    let method: 'GET' | 'POST' = 'GET';
    let body: Uint8Array | undefined;
    if (credentials?.kind === 'identityToken') {
      // OAuth2 refresh-token grant, as docker does with identity tokens.
      method = 'POST';
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.token, client_id: 'kiln' });
      if (challenge.service !== undefined) form.set('service', challenge.service);
      if (scopes.length > 0) form.set('scope', scopes.join(' '));
      body = Buffer.from(form.toString());
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else {
      if (challenge.service !== undefined) url.searchParams.set('service', challenge.service);
      for (const scope of scopes) url.searchParams.append('scope', scope);
      if (credentials?.kind === 'basic') {
        headers.authorization = basicHeader(credentials.username, credentials.password);
        url.searchParams.set('account', credentials.username);
      }
    }
    for (let attempt = 1; ; attempt++) {
      let response;
      try {
        response = await sendHttp({ method, url, headers, ...(body === undefined ? {} : { body }), signal });
      } catch (error) {
        if (attempt < this.#retry.attempts && isRetryableNetworkError(error)) {
          await sleep(retryDelay(this.#retry, attempt), signal);
          continue;
        }
        throw new UnavailableError(`token server ${url.origin}${url.pathname} for ${host} is unreachable: ${(error as Error).message}`, { cause: error });
      }
      const text = await readBodyText(response.body, 1024 * 1024);
      if (response.status === 200) return parseTokenResponse(text, `${url.origin}${url.pathname}`, host);
      if (attempt < this.#retry.attempts && isRetryableStatus(response.status)) {
        const retryAfter = response.headers['retry-after'];
        await sleep(retryDelay(this.#retry, attempt, typeof retryAfter === 'string' ? retryAfter : undefined), signal);
        continue;
      }
      const who = credentials === undefined ? 'anonymous access' : 'the credentials';
      const message = `token server ${url.origin}${url.pathname} refused ${who} for ${host} (scope ${scopes.join(' ') || 'none'}): HTTP ${response.status} ${text.trim().slice(0, 200)}`;
      if (response.status === 401 || response.status === 403) throw new UnauthenticatedError(message);
      throw new UnavailableError(message);
    }
  }
}

function tokenKey(host: string, scopes: readonly string[]): string {
  return `${host}\n${scopes.join(' ')}`;
}

function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

function parseTokenResponse(text: string, realm: string, host: string): CachedToken {
  let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (error) {
    throw new UnavailableError(`token server ${realm} for ${host} sent no JSON: ${JSON.stringify(text.slice(0, 200))}`, { cause: error });
  }
  const token = typeof parsed.token === 'string' && parsed.token !== '' ? parsed.token : parsed.access_token;
  if (typeof token !== 'string' || token === '') {
    throw new UnavailableError(`token server ${realm} for ${host} sent neither "token" nor "access_token"`);
  }
  // The token spec's default lifetime is 60 s when expires_in is absent.
  const lifetime = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : 60;
  const issued = typeof parsed.issued_at === 'string' ? Date.parse(parsed.issued_at) : Number.NaN;
  const start = Number.isNaN(issued) || issued > Date.now() ? Date.now() : issued;
  return { token, expiresAt: start + lifetime * 1000 - Math.min(expirySlackMs, lifetime * 500) };
}
