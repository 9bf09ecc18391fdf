/**
 * Running the real `kiln` image commands in tests: a private kiln root,
 * docker config and kiln config per test, the busybox fixture as an OCI
 * layout, skopeo, and a look at the blobs a root holds.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './shared.ts';

export const kilnBin = path.join(repoRoot, 'node_modules', '.bin', 'kiln');

/** The result of one kiln run. */
export interface KilnRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A kiln environment of its own: root, docker config and kiln config under `dir`. */
export interface KilnEnv {
  readonly root: string;
  readonly dockerConfig: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Makes `dir` hold a fresh kiln environment (nothing of the caller's HOME is read). */
export function kilnEnv(dir: string, extra: NodeJS.ProcessEnv = {}): KilnEnv {
  fs.mkdirSync(dir, { recursive: true });
  const root = path.join(dir, 'root');
  const dockerConfig = path.join(dir, 'docker');
  const env = { ...process.env, KILN_ROOT: root, DOCKER_CONFIG: dockerConfig, KILN_CONFIG: path.join(dir, 'kiln-registries.json'), NO_COLOR: '', ...extra };
  return { root, dockerConfig, env };
}

/** Runs kiln and waits for it. */
export function kiln(k: KilnEnv, args: readonly string[], input?: string | Buffer): KilnRun {
  const r = spawnSync(kilnBin, args, { cwd: repoRoot, env: k.env, encoding: 'utf8', maxBuffer: 256 << 20, ...(input === undefined ? {} : { input }) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs kiln without blocking the test process, so several can run at once. */
export function kilnAsync(k: KilnEnv, args: readonly string[]): Promise<KilnRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(kilnBin, args, { cwd: repoRoot, env: k.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs kiln on a pseudo-terminal (util-linux `script`), so it sees a TTY on stdout and stderr; the output is both, as the terminal got it. */
export function kilnOnTty(k: KilnEnv, args: readonly string[]): KilnRun {
  const command = [kilnBin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: repoRoot, env: k.env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs skopeo (insecure policy: tests accept any signature state). */
export function skopeo(...args: string[]): string {
  return execFileSync('skopeo', ['--insecure-policy', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The busybox fixture as an OCI layout in `dir` (tag `latest`); returns its manifest digest. */
export function makeBusyboxLayout(dir: string): string {
  return execFileSync('bash', [path.join(repoRoot, 'fixtures/images/make-busybox.sh'), dir], { encoding: 'utf8' }).trim();
}

/** The digests of the blobs under a kiln root's content store, sorted. */
export function blobsIn(root: string): string[] {
  const dir = path.join(root, 'content', 'blobs', 'sha256');
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((hex) => `sha256:${hex}`).sort() : [];
}

/** Files left in a kiln root's ingest directory (writes in progress or abandoned). */
export function ingestsIn(root: string): string[] {
  const dir = path.join(root, 'content', 'ingest');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

/** The blobs an OCI layout holds, sorted. */
export function blobsOfLayout(layout: string): string[] {
  return fs.readdirSync(path.join(layout, 'blobs', 'sha256')).map((hex) => `sha256:${hex}`).sort();
}

/** One `kiln images --format json` line. */
export interface ImageRow {
  readonly name: string;
  readonly repository: string;
  readonly tag: string;
  readonly id: string;
  readonly digest: string;
  readonly created: string | null;
  readonly size: number;
  readonly platform: string | null;
}

/** `kiln images --format json`, parsed. */
export function listImages(k: KilnEnv): ImageRow[] {
  const r = kiln(k, ['images', '--format', 'json']);
  if (r.status !== 0) throw new Error(`kiln images failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as ImageRow);
}
