import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

/** A request body: bytes, or a stream the request consumes (and destroys on failure). */
export type HttpBody = Uint8Array | Readable;

/** One HTTP exchange as {@link sendHttp} performs it. */
export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: HttpBody;
  readonly signal?: AbortSignal | undefined;
  /** Skip TLS certificate verification (registries the user declared insecure). */
  readonly insecureTls?: boolean;
  /** Redirects to follow for GET and HEAD (blob storage often redirects); 0 for none. Default 5. */
  readonly maxRedirects?: number;
}

/**
 * A response whose headers have arrived. The caller owns `body` and must either
 * read it to the end or destroy it, or the connection is never reused.
 */
export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The URL that answered, after redirects; relative `Location`s resolve against it. */
  readonly url: URL;
  readonly body: IncomingMessage;
}

// Keep-alive agents: a pull opens many requests to one host, and a new TLS
// handshake per blob would dominate small layers.
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16 });
const insecureHttpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: false });

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/**
 * Sends one request with Node's http/https and resolves when the response
 * headers arrive. Follows redirects for GET and HEAD only, dropping
 * `Authorization` when the redirect leaves the original host (pre-signed
 * storage URLs reject it, and it must not leak). Streams both ways: a body
 * stream is piped, never buffered.
 *
 * @throws the socket error (ECONNRESET, ECONNREFUSED, EPROTO…) or an
 *   `AbortError` when `signal` fires; callers classify them.
 */
export async function sendHttp(request: HttpRequest): Promise<HttpResponse> {
  let url = request.url;
  let headers: Record<string, string> = { ...request.headers };
  const maxRedirects = request.maxRedirects ?? 5;
  for (let redirects = 0; ; redirects++) {
    const response = await sendOnce({ ...request, url, headers });
    const location = response.headers.location;
    const follow =
      redirectStatuses.has(response.status) &&
      location !== undefined &&
      (request.method === 'GET' || request.method === 'HEAD') &&
      redirects < maxRedirects;
    if (!follow) return response;
    response.body.resume();
    const next = new URL(location, url);
    if (next.host !== request.url.host) {
      const { authorization: _dropped, ...rest } = headers;
      headers = rest;
    }
    url = next;
  }
}

function sendOnce(request: HttpRequest & { headers: Record<string, string> }): Promise<HttpResponse> {
  const { url, method, body, signal } = request;
  const secure = url.protocol === 'https:';
  const agent = secure ? (request.insecureTls === true ? insecureHttpsAgent : httpsAgent) : httpAgent;
  const headers: Record<string, string> = { ...request.headers };
  if (body instanceof Uint8Array) headers['content-length'] = String(body.byteLength);
  return new Promise<HttpResponse>((resolve, reject) => {
    const req = (secure ? https : http).request(url, { method, headers, agent, ...(signal === undefined ? {} : { signal }) });
    req.once('response', (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, url, body: res }));
    req.once('error', (error) => {
      if (body instanceof Readable) body.destroy();
      reject(error);
    });
    if (body === undefined) req.end();
    else if (body instanceof Uint8Array) req.end(body);
    else {
      body.once('error', (error) => req.destroy(error));
      body.pipe(req);
    }
  });
}

/**
 * Reads a response body as text, keeping at most `limit` bytes (error bodies
 * are for messages; a proxy may send megabytes of HTML). Drains the rest.
 */
export async function readBodyText(body: IncomingMessage, limit = 16 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let kept = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (kept < limit) {
        chunks.push(chunk.subarray(0, limit - kept));
        kept += Math.min(chunk.length, limit - kept);
      }
    }
  } catch {
    // A body that breaks off still tells us what arrived; the status already says it failed.
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Discards a response body so its connection can be reused. */
export function discardBody(body: IncomingMessage): void {
  body.resume();
  body.once('error', () => {});
}

/** The first value of a header, lower-cased name. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
