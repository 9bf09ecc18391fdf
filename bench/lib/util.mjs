// bench/lib/util: processes, timing, temp dirs and statistics shared by the
// comparison benchmarks (compare.mjs, conformance.mjs).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** The repository root (absolute, with a trailing separator). */
export const repo = fileURLToPath(new URL('../..', import.meta.url));

/** Median of a non-empty list of numbers (mean of the middle two for even lengths). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Value of `--name V` in argv, or `fallback`. */
export function option(args, name, fallback) {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
}

/** Prints a progress line to stderr (stdout carries the tables). */
export function say(...parts) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${parts.join(' ')}\n`);
}

/**
 * Runs a command to completion; returns stdout. Throws with the command, its
 * status and the tail of its output when it fails (unless `allowFail`).
 */
export function run(command, args, opts = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 << 20, ...opts, env: opts.env ?? process.env });
  if (r.error) throw new Error(`${command}: ${r.error.message}`);
  if (r.status !== 0 && !opts.allowFail) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited ${r.status ?? r.signal}:\n${tail}`);
  }
  return opts.allowFail ? r : r.stdout;
}

/**
 * Runs a command asynchronously (so the event loop keeps running), timing
 * its wall clock. Output goes to `logFile` when given (appended), else is
 * kept in memory for the error message. With `rssFile`, the command runs
 * under GNU time and the peak RSS (bytes) of the largest process of its tree
 * is returned as `rss`.
 * @returns {Promise<{ seconds: number, rss?: number, output: string }>}
 */
export function timed(command, args, opts = {}) {
  const argv = opts.rssFile ? ['/usr/bin/time', '-f', '%M', '-o', opts.rssFile, command, ...args] : [command, ...args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(argv[0], argv.slice(1), { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    let size = 0;
    const keep = (b) => {
      chunks.push(b);
      size += b.length;
      while (size > 1 << 20 && chunks.length > 1) size -= chunks.shift().length;
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      const output = Buffer.concat(chunks).toString('utf8');
      if (opts.logFile) fs.appendFileSync(opts.logFile, `\n$ ${argv.join(' ')}\n${output}\n[exit ${code ?? signal}, ${seconds.toFixed(2)} s]\n`);
      if (code !== 0) {
        reject(new Error(`${command} ${args.join(' ')} exited ${code ?? signal} after ${seconds.toFixed(1)} s:\n${output.trim().split('\n').slice(-30).join('\n')}`));
        return;
      }
      const result = { seconds, output };
      if (opts.rssFile) result.rss = Number(fs.readFileSync(opts.rssFile, 'utf8').trim().split('\n').at(-1)) * 1024;
      resolve(result);
    });
  });
}

/** A fresh directory under the system temp dir (on the same filesystem as the engines' roots). */
export function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Unmounts everything mounted at or below `dir` (deepest first), then removes it. */
export function removeTree(dir) {
  if (!dir || !fs.existsSync(dir)) return;
  const mounts = fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m) => m && (m === dir || m.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync('umount', ['-l', m]);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Seconds with a precision that suits the size. */
export function secs(x) {
  if (!Number.isFinite(x)) return '–';
  return x < 1 ? x.toFixed(3) : x < 10 ? x.toFixed(2) : x.toFixed(1);
}
