/**
 * A kiln environment of its own with the busybox fixture loaded as
 * `busybox:latest`, for tests that build on it through the real CLI.
 */
import fs from 'node:fs';
import path from 'node:path';
import { kiln, kilnEnv, makeBusyboxLayout, type KilnEnv } from './images-cli.ts';

/** Makes `dir` a kiln environment (see `kilnEnv`) whose store holds `busybox:latest`. */
export function busyboxRoot(dir: string, extra: NodeJS.ProcessEnv = {}): KilnEnv {
  const k = kilnEnv(dir, extra);
  const layout = path.join(dir, 'busybox-layout');
  makeBusyboxLayout(layout);
  const r = kiln(k, ['load', '-i', layout, '--repository', 'busybox']);
  if (r.status !== 0) throw new Error(`kiln load of the busybox fixture failed: ${r.stderr}`);
  fs.rmSync(layout, { recursive: true, force: true });
  return k;
}

/** Writes a build context under `dir/name` holding `files` (name → text), returns its path. */
export function buildContext(dir: string, name: string, files: Readonly<Record<string, string>>): string {
  const context = path.join(dir, name);
  fs.mkdirSync(context, { recursive: true });
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(context, file), text);
  return context;
}
