import fs from 'node:fs';

/*
 * Holds carry the holding process's pid and start time, so a later process
 * can tell a live holder from a dead one even when the pid was reused: a
 * crash never pins a snapshot or a cache mount forever.
 */

function startTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses; the fields after the last ')' are plain.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

let self: string | undefined;

/** `<pid>.<start time in clock ticks>` of this process. */
export function ownIdentity(): string {
  self ??= `${process.pid}.${startTime(process.pid) ?? '0'}`;
  return self;
}

/** True when the process named by `identity` (from {@link ownIdentity}) still runs. */
export function identityAlive(identity: string): boolean {
  const [pidText, start] = identity.split('.');
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  const current = startTime(pid);
  if (current !== undefined) return start === '0' || current === start;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
