import fs from 'node:fs';

/*
 * Ingest files carry the writing process's pid and start time in their name,
 * so a later process can tell a live writer's file from a dead one's even when
 * the pid has been reused (the start time then differs).
 */

/** The start time of `pid` in clock ticks since boot (field 22 of /proc/<pid>/stat), or `undefined` when it is not running. */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses; fields after the last ')' are plain.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

let self: string | undefined;

/** `<pid>.<start time>` of this process. */
export function ownIdentity(): string {
  self ??= `${process.pid}.${processStartTime(process.pid) ?? '0'}`;
  return self;
}

/** True when the process named by `identity` (`<pid>.<start time>`) is still the one running. */
export function identityAlive(identity: string): boolean {
  const [pidText, start] = identity.split('.');
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  const current = processStartTime(pid);
  if (current !== undefined) return start === '0' || current === start;
  // Without /proc, fall back to asking whether the pid exists at all.
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
