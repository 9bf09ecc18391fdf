import fs from 'node:fs';
import { NotFoundError } from '@kiln/errors';
import { secureJoin } from './secure-join.js';

/** A user resolved in a root filesystem. */
export interface ResolvedUser {
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups: every group in /etc/group that lists the user by name. */
  readonly additionalGids: readonly number[];
  /** The home directory from /etc/passwd, or `/` when the user has no entry. */
  readonly home: string;
}

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

function readLines(root: string, file: string): string[] {
  try {
    return fs.readFileSync(secureJoin(root, file), 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  } catch {
    return [];
  }
}

function passwd(root: string): PasswdEntry[] {
  return readLines(root, '/etc/passwd').flatMap((l) => {
    const f = l.split(':');
    return f.length >= 7 ? [{ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]! }] : [];
  });
}

function groups(root: string): GroupEntry[] {
  return readLines(root, '/etc/group').flatMap((l) => {
    const f = l.split(':');
    return f.length >= 4 ? [{ name: f[0]!, gid: Number(f[2]), members: f[3]!.split(',').filter(Boolean) }] : [];
  });
}

const isId = (s: string): boolean => /^\d+$/.test(s);

/**
 * Resolves a Dockerfile USER value (`name`, `name:group`, `uid`, `uid:gid`)
 * against `root`'s /etc/passwd and /etc/group, read inside the root so a
 * symlink cannot point the lookup at the host. An empty value means root.
 * Throws NotFoundError naming the user or group when a name does not resolve.
 */
export function resolveUser(root: string, spec: string | undefined): ResolvedUser {
  const [userPart = '', groupPart] = (spec ?? '').split(':', 2);
  const users = passwd(root);
  let uid = 0;
  let gid = 0;
  let name: string | undefined;
  let home = '/';
  if (userPart === '' || isId(userPart)) {
    uid = userPart === '' ? 0 : Number(userPart);
    const entry = users.find((u) => u.uid === uid);
    if (entry !== undefined) ({ gid, name, home } = entry);
  } else {
    const entry = users.find((u) => u.name === userPart);
    if (entry === undefined) throw new NotFoundError(`unable to find user ${userPart}: no matching entries in passwd file`);
    ({ uid, gid, name, home } = entry);
  }
  const allGroups = groups(root);
  if (groupPart !== undefined && groupPart !== '') {
    if (isId(groupPart)) gid = Number(groupPart);
    else {
      const entry = allGroups.find((g) => g.name === groupPart);
      if (entry === undefined) throw new NotFoundError(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = entry.gid;
    }
  }
  // An explicit group replaces the supplementary groups, as docker does.
  const additionalGids = groupPart !== undefined || name === undefined
    ? []
    : allGroups.filter((g) => g.members.includes(name!) && g.gid !== gid).map((g) => g.gid);
  return { uid, gid, additionalGids, home };
}
