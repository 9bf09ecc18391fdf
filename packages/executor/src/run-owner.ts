import fs from 'node:fs';

/**
 * Which process a run belongs to: its pid and start time (field 22 of
 * /proc/PID/stat), so a later process can tell a live owner from a dead one
 * even when the pid was reused. (content keeps the same idea for ingests;
 * the executor may not import content, and the idea is a few lines.)
 */
export function processIdentity(pid: number = process.pid): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return start === undefined ? undefined : `${pid}.${start}`;
  } catch {
    return undefined;
  }
}

/** True when the process named by `identity` (from {@link processIdentity}) still runs. */
export function identityAlive(identity: string): boolean {
  const pid = Number(identity.split('.')[0]);
  return Number.isInteger(pid) && pid > 0 && processIdentity(pid) === identity;
}

/** What a run's bundle records about itself, so a sweep can undo it after its owner died. */
export interface RunOwner {
  readonly owner: string;
  readonly id: string;
  readonly stateRoot: string;
  /** The runtime's argv prefix. */
  readonly command: readonly string[];
}

/** The file in a bundle that holds its {@link RunOwner}. */
export const ownerFile = 'kiln-owner.json';
