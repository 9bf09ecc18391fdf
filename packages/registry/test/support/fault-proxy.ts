/**
 * An HTTP proxy in front of a test registry that misbehaves on request:
 * answers with a status of its own, cuts the connection after some bytes of a
 * body, ignores Range, corrupts a byte, or replaces a response. Every request
 * passes `rule`, which picks the fault (or none) per request.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Record<string, string>; readonly body?: string }
  | { readonly kind: 'cut'; readonly afterBytes: number }
  | { readonly kind: 'ignoreRange' }
  | { readonly kind: 'corrupt' }
  | { readonly kind: 'respond'; readonly status: number; readonly headers: Record<string, string>; readonly body: Buffer }
  | { readonly kind: 'delay'; readonly ms: number };

export interface ProxiedRequest {
  readonly method: string;
  readonly url: string;
  readonly range: string | undefined;
  readonly status?: number;
}

export type FaultRule = (request: { readonly method: string; readonly url: string; readonly index: number }) => Fault | undefined;

export interface FaultProxy {
  readonly host: string;
  readonly requests: ProxiedRequest[];
  /** The most requests that were open at the same moment. */
  maxConcurrent(): number;
  close(): Promise<void>;
}

export async function startFaultProxy(upstreamPort: number, rule: FaultRule): Promise<FaultProxy> {
  const requests: ProxiedRequest[] = [];
  let open = 0;
  let maxOpen = 0;
  const server = http.createServer((req, res) => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    res.once('close', () => open--);
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const fault = rule({ method, url, index: requests.length });
    requests.push({ method, url, range: req.headers.range, ...(fault?.kind === 'status' || fault?.kind === 'respond' ? { status: fault.status } : {}) });
    if (fault?.kind === 'status' || fault?.kind === 'respond') {
      req.resume();
      const body = fault.kind === 'respond' ? fault.body : Buffer.from(fault.body ?? '');
      res.writeHead(fault.status, { 'content-length': String(body.length), ...fault.headers }).end(body);
      return;
    }
    const headers = { ...req.headers };
    if (fault?.kind === 'ignoreRange') delete headers.range;
    const forward = (): void => {
    const upstream = http.request({ host: '127.0.0.1', port: upstreamPort, method, path: url, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      let sent = 0;
      let corrupted = false;
      up.on('data', (chunk: Buffer) => {
        if (fault?.kind === 'cut') {
          const room = fault.afterBytes - sent;
          if (room <= 0) return;
          if (chunk.length >= room) {
            res.write(chunk.subarray(0, room));
            sent += room;
            up.destroy();
            // Give the bytes a moment to leave, then drop the connection mid-body.
            setTimeout(() => res.socket?.destroy(), 20);
            return;
          }
        }
        if (fault?.kind === 'corrupt' && !corrupted && chunk.length > 0) {
          chunk = Buffer.from(chunk);
          chunk[0] = chunk[0]! ^ 0xff;
          corrupted = true;
        }
        sent += chunk.length;
        res.write(chunk);
      });
      up.on('end', () => {
        if (fault?.kind !== 'cut' || sent < fault.afterBytes) res.end();
      });
      up.on('error', () => res.socket?.destroy());
    });
    upstream.on('error', () => res.socket?.destroy());
    req.pipe(upstream);
    };
    if (fault?.kind === 'delay') setTimeout(forward, fault.ms);
    else forward();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    maxConcurrent: () => maxOpen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
