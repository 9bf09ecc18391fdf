/**
 * End-to-end `kiln build` in tests: a kiln root holding busybox, contexts
 * written from a table of files, builds through the real CLI, and the image
 * looked at from outside (an OCI layout's index, manifest, config, and its
 * layers unpacked with GNU tar, whiteouts applied), plus BuildKit's plain
 * progress parsed back into steps and checks that nothing was left mounted
 * or running.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ImageConfig } from '@kiln/oci';
import { kiln, kilnAsync, kilnEnv, type KilnEnv, type KilnRun } from './images-cli.ts';

/** One file of a test context: text, or a file/symlink/directory with its mode. */
export type ContextEntry =
  | string
  | { readonly content: string | Buffer; readonly mode?: number }
  | { readonly symlink: string }
  | { readonly dir: true; readonly mode?: number };

/** Writes `files` (relative paths) under `dir`, making parent directories; returns `dir`. */
export function writeContext(dir: string, files: Readonly<Record<string, ContextEntry>>): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const [rel, entry] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (typeof entry === 'string') fs.writeFileSync(p, entry);
    else if ('symlink' in entry) fs.symlinkSync(entry.symlink, p);
    else if ('dir' in entry) {
      fs.mkdirSync(p, { recursive: true });
      if (entry.mode !== undefined) fs.chmodSync(p, entry.mode);
    } else {
      fs.writeFileSync(p, entry.content);
      if (entry.mode !== undefined) fs.chmodSync(p, entry.mode);
    }
  }
  return dir;
}

/** A fresh kiln environment under `dir` with the busybox layout at `layout` loaded as `busybox:latest`. */
export function busyboxEnv(dir: string, layout: string, extra: NodeJS.ProcessEnv = {}): KilnEnv {
  const k = kilnEnv(dir, extra);
  const r = kiln(k, ['load', '-i', layout, '--repository', 'busybox']);
  if (r.status !== 0) throw new Error(`kiln load failed: ${r.stderr}`);
  return k;
}

/** `kiln build --progress=plain ARGS CONTEXT` (ARGS may override the progress mode). */
export function kilnBuild(k: KilnEnv, context: string, args: readonly string[] = [], input?: string): KilnRun {
  return kiln(k, ['build', '--progress=plain', ...args, context], input);
}

/** {@link kilnBuild} without blocking, so several builds can run at once. */
export function kilnBuildAsync(k: KilnEnv, context: string, args: readonly string[] = []): Promise<KilnRun> {
  return kilnAsync(k, ['build', '--progress=plain', ...args, context]);
}

/** An image as a consumer sees it: its manifest, config, layer count, and the unpacked tree. */
export interface SeenImage {
  readonly manifest: { readonly config: { readonly digest: string }; readonly layers: readonly { readonly digest: string; readonly mediaType: string }[] };
  readonly manifestDigest: string;
  readonly config: ImageConfig;
  /** The directory the layers were unpacked into, base first. */
  readonly tree: string;
}

/**
 * Reads the single image of an OCI layout directory: index.json → manifest →
 * config, and unpacks its layers into `tree` (GNU tar as root keeps owners
 * and modes; whiteouts and opaque markers remove what lower layers had).
 */
export function readLayout(layout: string, tree: string): SeenImage {
  const index = readJson(path.join(layout, 'index.json')) as { manifests: { digest: string }[] };
  if (index.manifests.length !== 1) throw new Error(`expected one manifest in ${layout}, found ${index.manifests.length}`);
  const manifestDigest = index.manifests[0]!.digest;
  const manifest = readJson(blobPath(layout, manifestDigest)) as SeenImage['manifest'];
  const config = readJson(blobPath(layout, manifest.config.digest)) as ImageConfig;
  fs.mkdirSync(tree, { recursive: true });
  for (const layer of manifest.layers) unpackLayer(blobPath(layout, layer.digest), tree);
  return { manifest, manifestDigest, config, tree };
}

/** Applies one layer tar (any compression GNU tar detects) onto `tree`, OCI whiteouts included. */
export function unpackLayer(file: string, tree: string): void {
  const names = execFileSync('tar', ['-tf', file], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n').filter((n) => n !== '');
  for (const name of names) {
    const clean = name.replace(/^\.\//, '').replace(/\/$/, '');
    const base = path.posix.basename(clean);
    const dir = path.posix.dirname(clean);
    if (base === '.wh..wh..opq') {
      const target = path.join(tree, dir);
      if (fs.existsSync(target)) for (const child of fs.readdirSync(target)) fs.rmSync(path.join(target, child), { recursive: true, force: true });
    } else if (base.startsWith('.wh.')) {
      fs.rmSync(path.join(tree, dir, base.slice(4)), { recursive: true, force: true });
    }
  }
  execFileSync('tar', ['-xf', file, '-C', tree, '--numeric-owner', '--same-owner', '-p', '--exclude=.wh.*'], { stdio: 'pipe' });
}

/** `kiln save --format oci` of `name`, unpacked under `work`; throws with kiln's stderr when saving fails. */
export function saveImage(k: KilnEnv, name: string, work: string): SeenImage {
  fs.mkdirSync(work, { recursive: true });
  const tarFile = path.join(work, 'image.tar');
  const r = kiln(k, ['save', '--format', 'oci', '-o', tarFile, name]);
  if (r.status !== 0) throw new Error(`kiln save ${name} failed (${r.status}): ${r.stderr}`);
  const layout = path.join(work, 'layout');
  fs.mkdirSync(layout);
  execFileSync('tar', ['-xf', tarFile, '-C', layout]);
  return readLayout(layout, path.join(work, 'tree'));
}

/** A build that must succeed, and the image it stored: kiln's output (plain progress) and the image saved and unpacked. */
export interface BuiltImage extends SeenImage {
  readonly run: KilnRun;
}

let imageCount = 0;

/**
 * Builds `context` (its `Dockerfile` unless `args` has `-f`) as a fresh tag,
 * then saves and unpacks the image under `work`. Throws with kiln's output
 * when the build fails, so a test's failure shows why.
 */
export function buildImage(k: KilnEnv, context: string, work: string, args: readonly string[] = [], input?: string): BuiltImage {
  const name = `kiln-test/built:${++imageCount}`;
  const run = kilnBuild(k, context, ['-t', name, ...args], input);
  if (run.status !== 0) throw new Error(`kiln build failed (${run.status}):\n${run.stderr}${run.stdout}`);
  const seen = saveImage(k, name, fs.mkdtempSync(path.join(work, 'image-')));
  return { ...seen, run };
}

/** What `lstat` says of a path in an unpacked tree, in the terms tests compare. */
export interface TreeEntry {
  readonly type: 'file' | 'dir' | 'symlink' | 'other';
  /** Permission bits and setuid/setgid/sticky, e.g. 0o755. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** File content (utf8) or symlink target. */
  readonly content?: string;
}

/** The entry at `rel` in `tree`, or undefined when absent. */
export function entryAt(tree: string, rel: string): TreeEntry | undefined {
  const p = path.join(tree, rel);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return undefined;
  }
  const base = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
  if (st.isSymbolicLink()) return { type: 'symlink', ...base, content: fs.readlinkSync(p) };
  if (st.isDirectory()) return { type: 'dir', ...base };
  if (st.isFile()) return { type: 'file', ...base, content: fs.readFileSync(p, 'utf8') };
  return { type: 'other', ...base };
}

/** Text of a file in `tree` (throws when absent). */
export function fileAt(tree: string, rel: string): string {
  return fs.readFileSync(path.join(tree, rel), 'utf8');
}

/** The sorted names in a directory of `tree`. */
export function namesIn(tree: string, rel: string): string[] {
  return fs.readdirSync(path.join(tree, rel)).sort();
}

/** One `#N` block of BuildKit's plain progress. */
export interface PlainStep {
  readonly number: number;
  readonly name: string;
  readonly cached: boolean;
  readonly done: boolean;
  readonly error: boolean;
  readonly missReasons: readonly string[];
  /** Log lines without the `#N 0.123 ` prefix. */
  readonly logs: readonly string[];
}

/** Parses plain progress (`#N name`, `#N CACHED`, `#N DONE 0.1s`, `#N 0.012 log`, `#N cache miss: why`) into steps in order. */
export function plainSteps(output: string): PlainStep[] {
  const steps = new Map<number, { number: number; name: string; cached: boolean; done: boolean; error: boolean; missReasons: string[]; logs: string[] }>();
  for (const line of output.split('\n')) {
    const m = /^#(\d+) (.*)$/.exec(line);
    if (m === null) continue;
    const number = Number(m[1]);
    const text = m[2]!;
    const step = steps.get(number);
    if (step === undefined) {
      steps.set(number, { number, name: text, cached: false, done: false, error: false, missReasons: [], logs: [] });
      continue;
    }
    if (text === 'CACHED') step.cached = true;
    else if (/^DONE \d+\.\ds$/.test(text)) step.done = true;
    else if (text.startsWith('ERROR')) step.error = true;
    else if (text.startsWith('cache miss: ')) step.missReasons.push(text.slice('cache miss: '.length));
    else {
      const log = /^\d+\.\d{3} (.*)$/.exec(text);
      if (log !== null) step.logs.push(log[1]!);
    }
  }
  return [...steps.values()];
}

/** The steps of a plain progress whose names are Dockerfile instructions (`[stage i/n] …`), not internal ones. */
export function instructionSteps(output: string): PlainStep[] {
  return plainSteps(output).filter((s) => /^\[[^\]]+ \d+\/\d+\] /.test(s.name));
}

/** The `--progress=rawjson` events of a run, one JSON object per line. */
export function rawEvents(stderr: string): { type: string; digest?: string; name?: string; time?: number; durationMs?: number; reason?: string; data?: string }[] {
  return stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string });
}

/** What a kiln root still has mounted or running: mount points under it, and containers in runc's and crun's state dirs. */
export function leftovers(root: string): { mounts: string[]; containers: string[] } {
  const real = fs.existsSync(root) ? fs.realpathSync(root) : root;
  const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((p) => p === real || p.startsWith(`${real}/`));
  const containers: string[] = [];
  for (const runtime of ['runc', 'crun']) {
    const state = path.join(root, 'executor', runtime);
    if (!fs.existsSync(state)) continue;
    const out = execFileSync(runtime, ['--root', state, 'list', '-q'], { encoding: 'utf8' });
    containers.push(...out.split('\n').filter((l) => l.trim() !== '').map((id) => `${runtime}:${id}`));
  }
  return { mounts, containers };
}

function blobPath(layout: string, digest: string): string {
  const [alg, hex] = digest.split(':');
  return path.join(layout, 'blobs', alg!, hex!);
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
