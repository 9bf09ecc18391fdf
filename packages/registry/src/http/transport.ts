import { CanceledError, ErrorCode, isKilnError } from '@kiln/errors';
import type { Authorizer } from '../auth/authorizer.js';
import { endpointBase, type RegistryEndpoint } from '../hosts.js';
import { RegistryError, redactUrl, registryResponseError } from '../registry-error.js';
import { discardBody, headerValue, readBodyText, sendHttp, type HttpBody, type HttpResponse } from './request.js';
import { isRetryableNetworkError, isRetryableStatus, retryDelay, sleep, type RetryPolicy } from './retry.js';

/** One distribution API call, described for {@link RegistryTransport.send}. */
export interface RegistryRequest {
  readonly endpoint: RegistryEndpoint;
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  /** Path below `/v2/` (`library/alpine/manifests/3.20`), or a full URL (an upload `Location`). */
  readonly target: string | URL;
  readonly headers?: Readonly<Record<string, string>>;
  /** Makes the body afresh for each try, so retries and auth rounds can resend it. */
  readonly body?: () => HttpBody;
  /** Token scopes the call needs (`repository:foo:pull`). */
  readonly scopes: readonly string[];
  readonly signal?: AbortSignal | undefined;
  /** Statuses besides 2xx the caller handles itself (404 for a HEAD that asks "does it exist?"). */
  readonly expectedStatuses?: readonly number[];
  /**
   * Retry retryable failures (default true). False for requests whose retry
   * must happen at a higher level, such as an upload PUT whose session may
   * already hold part of the body.
   */
  readonly retry?: boolean;
  /** Words for error messages: what kiln was doing and with which reference. */
  readonly action: string;
  readonly reference: string;
}

/** TLS failures that mean "this host speaks plain HTTP", for hosts with HTTP fallback. */
const tlsProtocolCodes = new Set(['EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG']);

/**
 * Sends distribution API requests with authentication, retries and error
 * mapping. A 401 teaches the {@link Authorizer} the host's challenge and the
 * request is sent again with a token (at most twice, so a cached token that
 * turned stale is refreshed once). Retryable statuses and dropped connections
 * are retried by the {@link RetryPolicy}; everything else that is not 2xx or
 * expected becomes a {@link RegistryError} naming the reference and carrying
 * the registry's own error code and message.
 */
export class RegistryTransport {
  readonly #auth: Authorizer;
  readonly #retry: RetryPolicy;
  readonly #userAgent: string;
  /** Hosts with HTTP fallback that turned out to speak plain HTTP. */
  readonly #plainHosts = new Set<string>();

  constructor(auth: Authorizer, retry: RetryPolicy, userAgent: string) {
    this.#auth = auth;
    this.#retry = retry;
    this.#userAgent = userAgent;
  }

  /** The retry policy, for callers that retry whole streams (blob downloads). */
  get retryPolicy(): RetryPolicy {
    return this.#retry;
  }

  /** The absolute URL of `target` on `endpoint`, honouring a learnt plain-HTTP fallback. */
  url(endpoint: RegistryEndpoint, target: string | URL): URL {
    if (target instanceof URL) return target;
    const base = endpointBase(endpoint);
    if (this.#plainHosts.has(endpoint.host)) base.protocol = 'http:';
    return new URL(target, base);
  }

  /**
   * Sends `request` and resolves with a 2xx (or expected) response whose body
   * the caller must consume or discard.
   *
   * @throws RegistryError for registry refusals and, after the retries, for
   *   unreachable hosts (code Unavailable); CanceledError when the signal fires.
   */
  async send(request: RegistryRequest): Promise<HttpResponse> {
    let scopes = request.scopes;
    let authRounds = 0;
    const attempts = request.retry === false ? 1 : this.#retry.attempts;
    for (let attempt = 1; ; ) {
      throwIfAborted(request.signal);
      const url = this.url(request.endpoint, request.target);
      const headers: Record<string, string> = { 'user-agent': this.#userAgent, ...request.headers };
      const authorization = await this.#auth.authorization(request.endpoint.host, scopes, request.signal);
      if (authorization !== undefined && url.host === request.endpoint.host) headers.authorization = authorization;
      let response: HttpResponse;
      try {
        response = await sendHttp({
          method: request.method,
          url,
          headers,
          ...(request.body === undefined ? {} : { body: request.body() }),
          signal: request.signal,
          insecureTls: request.endpoint.insecureTls,
        });
      } catch (error) {
        throwIfAborted(request.signal, error);
        // A kiln error here came from the request body (the content store), not the network.
        if (isKilnError(error)) throw error;
        if (request.endpoint.httpFallback && url.protocol === 'https:' && isTlsProtocolError(error)) {
          this.#plainHosts.add(request.endpoint.host);
          continue;
        }
        if (attempt < attempts && isRetryableNetworkError(error)) {
          await sleep(retryDelay(this.#retry, attempt), request.signal);
          attempt++;
          continue;
        }
        throw unreachable(request, url, error);
      }
      if (response.status === 401 && authRounds < 2 && !(request.expectedStatuses ?? []).includes(401)) {
        discardBody(response.body);
        scopes = await this.#auth.challenged(request.endpoint.host, headerValue(response.headers, 'www-authenticate'), scopes);
        authRounds++;
        continue;
      }
      if ((response.status >= 200 && response.status < 300) || (request.expectedStatuses ?? []).includes(response.status)) {
        return response;
      }
      if (attempt < attempts && isRetryableStatus(response.status)) {
        discardBody(response.body);
        await sleep(retryDelay(this.#retry, attempt, headerValue(response.headers, 'retry-after')), request.signal);
        attempt++;
        continue;
      }
      const body = request.method === 'HEAD' ? '' : await readBodyText(response.body);
      if (request.method === 'HEAD') discardBody(response.body);
      const error = registryResponseError(request.action, request.reference, { method: request.method, url }, response.status, body);
      if (response.status === 401 && !(await this.#auth.hasCredentials(request.endpoint.host))) {
        throw new RegistryError(error.code, error.reference, `${error.message}; no credentials for ${request.endpoint.host} (run kiln login ${request.endpoint.host})`, {
          status: error.status ?? 401,
          errors: error.errors,
        });
      }
      throw error;
    }
  }
}

function isTlsProtocolError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && tlsProtocolCodes.has(code);
}

/** Throws CanceledError when `signal` has fired (keeping `cause`, the underlying error or the abort reason). */
export function throwIfAborted(signal: AbortSignal | undefined, cause?: unknown): void {
  if (signal?.aborted === true) throw new CanceledError(undefined, { cause: cause ?? signal.reason });
}

function unreachable(request: RegistryRequest, url: URL, error: unknown): RegistryError {
  const said = error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error);
  return new RegistryError(ErrorCode.Unavailable, request.reference, `${request.action} ${request.reference}: ${request.method} ${redactUrl(url)} failed: ${said}`, {
    cause: error,
  });
}
