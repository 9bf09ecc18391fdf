import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { unmountRecursive } from '@kiln/sys';
import { identityAlive, ownerFile, type RunOwner } from './run-owner.js';

/** A bundle without an owner record is taken as abandoned once it is this old (it was cut off while being set up). */
const orphanAgeMs = 10 * 60 * 1000;

/**
 * Undoes the runs a killed kiln process left in `stateDir`: for every
 * `run-*` bundle whose owner is no longer running, kills and deletes its
 * container, unmounts its rootfs and removes the bundle. Runs of live
 * processes are left alone, so several kiln processes may share a root.
 * Returns how many runs were swept.
 */
export function sweepStaleRuns(stateDir: string): number {
  let names: string[];
  try {
    names = fs.readdirSync(stateDir).filter((n) => n.startsWith('run-'));
  } catch {
    return 0;
  }
  let swept = 0;
  for (const name of names) {
    const bundle = path.join(stateDir, name);
    let owner: RunOwner | undefined;
    try {
      owner = JSON.parse(fs.readFileSync(path.join(bundle, ownerFile), 'utf8')) as RunOwner;
    } catch {
      owner = undefined;
    }
    if (owner !== undefined && identityAlive(owner.owner)) continue;
    if (owner === undefined) {
      try {
        if (Date.now() - fs.statSync(bundle).mtimeMs < orphanAgeMs) continue;
      } catch {
        continue;
      }
    }
    if (owner !== undefined && fs.existsSync(path.join(owner.stateRoot, owner.id))) {
      const [file, ...prefix] = owner.command;
      spawnSync(file!, [...prefix, '--root', owner.stateRoot, 'kill', owner.id, 'KILL'], { stdio: 'ignore' });
      spawnSync(file!, [...prefix, '--root', owner.stateRoot, 'delete', '--force', owner.id], { stdio: 'ignore' });
    }
    unmountRecursive(path.join(bundle, 'rootfs'));
    fs.rmSync(bundle, { recursive: true, force: true });
    swept++;
  }
  return swept;
}
