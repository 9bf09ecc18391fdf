/**
 * A small token server for distribution's token auth: it checks Basic
 * credentials (or a refresh token), grants the requested scopes, and signs
 * ES256 JWTs with a throwaway key whose self-signed certificate the registry
 * trusts (`rootcertbundle`); the certificate rides in the `x5c` header.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, sign, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface TokenRequestRecord {
  readonly account: string | undefined;
  readonly scopes: readonly string[];
  readonly method: string;
}

export interface TokenServerOptions {
  readonly dir: string;
  readonly username: string;
  readonly password: string;
  /** Accepted as `refresh_token` in a POST, standing for `username`. */
  readonly identityToken?: string;
  /** Repositories anonymous callers may pull. */
  readonly anonymousPull?: readonly string[];
  /** Repositories `username` may only pull (no push). */
  readonly readOnly?: readonly string[];
}

export interface TokenServer {
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  readonly rootCertBundle: string;
  readonly requests: TokenRequestRecord[];
  close(): Promise<void>;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const key = path.join(options.dir, 'token-key.pem');
  const cert = path.join(options.dir, 'token-cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=kiln-test-token'], {
    stdio: 'ignore',
  });
  const privateKey = fs.readFileSync(key);
  const certDer = new X509Certificate(fs.readFileSync(cert)).raw;
  const service = 'kiln-test-registry';
  const issuer = 'kiln-test-issuer';
  const requests: TokenRequestRecord[] = [];

  const grant = (account: string | undefined, scope: string): { type: string; name: string; actions: string[] } | undefined => {
    const [type, ...rest] = scope.split(':');
    const actions = rest.pop()?.split(',') ?? [];
    const name = rest.join(':');
    if (type !== 'repository') return undefined;
    let allowed: string[];
    if (account === undefined) allowed = (options.anonymousPull ?? []).includes(name) ? ['pull'] : [];
    else if ((options.readOnly ?? []).includes(name)) allowed = ['pull'];
    else allowed = ['pull', 'push', 'delete', '*'];
    return { type, name, actions: actions.filter((a) => allowed.includes(a)) };
  };

  const issue = (account: string | undefined, scopes: string[]): string => {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c: [certDer.toString('base64')] };
    const claims = {
      iss: issuer,
      sub: account ?? '',
      aud: service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access: scopes.map((s) => grant(account, s)).filter((a) => a !== undefined),
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${b64url(signature)}`;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      let account: string | undefined;
      let scopes: string[];
      if (req.method === 'POST') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        scopes = (form.get('scope') ?? '').split(' ').filter((s) => s !== '');
        if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== options.identityToken) {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED","message":"bad refresh token"}]}');
          return;
        }
        account = options.username;
      } else {
        scopes = url.searchParams.getAll('scope');
        const header = req.headers.authorization;
        if (header !== undefined) {
          const [user, ...pass] = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8').split(':');
          if (user !== options.username || pass.join(':') !== options.password) {
            requests.push({ account: user, scopes, method: req.method ?? 'GET' });
            res.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED","message":"wrong user name or password"}]}');
            return;
          }
          account = user;
        }
      }
      requests.push({ account, scopes, method: req.method ?? 'GET' });
      const token = issue(account, scopes);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    rootCertBundle: cert,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
