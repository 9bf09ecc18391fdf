/**
 * Starts Debian's `docker-registry` (distribution 2.8) on a free loopback
 * port with filesystem storage in a temporary directory: without auth, with
 * htpasswd basic auth, or with token auth against a token server. `stop()`
 * kills the process and removes the directory.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RunningRegistry {
  /** `127.0.0.1:<port>`. */
  readonly host: string;
  readonly port: number;
  /** Root of the registry's filesystem storage. */
  readonly storage: string;
  /** Last lines the registry logged, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export type RegistryAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'htpasswd'; readonly username: string; readonly password: string }
  | { readonly kind: 'token'; readonly realm: string; readonly service: string; readonly issuer: string; readonly rootCertBundle: string };

/** A TCP port nobody listens on right now (the kernel's choice). */
export async function freePort(address = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, address, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RegistryListen {
  /** Address to bind (default 127.0.0.1). */
  readonly address?: string;
  /** Serve TLS with this certificate and key (PEM files). */
  readonly tls?: { readonly certificate: string; readonly key: string };
}

/** The first non-loopback IPv4 address of this machine, for tests of non-local registries; undefined when there is none. */
export function externalIPv4(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const address of list ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return undefined;
}

/** A self-signed certificate for `ip` (as subjectAltName), written into `dir`. */
export function selfSignedCertificate(dir: string, ip: string): { certificate: string; key: string } {
  const certificate = path.join(dir, 'registry-cert.pem');
  const key = path.join(dir, 'registry-key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', certificate, '-days', '2', '-subj', `/CN=${ip}`, '-addext', `subjectAltName=IP:${ip}`], {
    stdio: 'ignore',
  });
  return { certificate, key };
}

export async function startRegistry(auth: RegistryAuth = { kind: 'none' }, listen: RegistryListen = {}): Promise<RunningRegistry> {
  const address = listen.address ?? '127.0.0.1';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-registry-'));
  const storage = path.join(dir, 'data');
  fs.mkdirSync(storage);
  const port = await freePort(address);
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storage}`,
    '  delete:',
    '    enabled: true',
    '  cache:',
    '    blobdescriptor: ""',
    'http:',
    `  addr: ${address}:${port}`,
    ...(listen.tls === undefined ? [] : ['  tls:', `    certificate: ${listen.tls.certificate}`, `    key: ${listen.tls.key}`]),
  ];
  if (auth.kind === 'htpasswd') {
    const file = path.join(dir, 'htpasswd');
    fs.writeFileSync(file, execFileSync('htpasswd', ['-Bbn', auth.username, auth.password]));
    lines.push('auth:', '  htpasswd:', '    realm: kiln-test', `    path: ${file}`);
  } else if (auth.kind === 'token') {
    lines.push('auth:', '  token:', `    realm: ${auth.realm}`, `    service: ${auth.service}`, `    issuer: ${auth.issuer}`, `    rootcertbundle: ${auth.rootCertBundle}`);
  }
  const config = path.join(dir, 'config.yml');
  fs.writeFileSync(config, lines.join('\n') + '\n');
  const child: ChildProcess = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logLines: string[] = [];
  const keep = (b: Buffer): void => {
    logLines.push(...b.toString('utf8').split('\n').filter((l) => l !== ''));
    logLines.splice(0, Math.max(0, logLines.length - 50));
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  child.once('exit', () => (exited = true));
  const stop = async (): Promise<void> => {
    if (!exited) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`docker-registry exited at start:\n${logLines.join('\n')}`);
    }
    try {
      await new Promise<void>((resolve, reject) => {
        const socket = net.connect(port, address, () => {
          socket.destroy();
          resolve();
        });
        socket.once('error', reject);
      });
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`docker-registry did not answer on port ${port}:\n${logLines.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { host: `${address}:${port}`, port, storage, log: () => logLines.join('\n'), stop };
}
