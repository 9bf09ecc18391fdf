import fs from 'node:fs';
import path from 'node:path';
import { identityAlive } from './process-identity.js';

/**
 * Removes ingest files whose writing process is gone (killed mid-write, or
 * crashed). Files of live processes, including other kiln processes sharing
 * the root, are left alone. Returns the names removed.
 */
export async function removeStaleIngests(ingestDir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await fs.promises.readdir(ingestDir)) {
    // `<pid>.<start time>.<random>-<ref>`
    const owner = /^(\d+\.\d+)\./.exec(name)?.[1];
    if (owner !== undefined && identityAlive(owner)) continue;
    await fs.promises.rm(path.join(ingestDir, name), { force: true, recursive: true });
    removed.push(name);
  }
  return removed;
}
