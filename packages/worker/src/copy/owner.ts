import fs from 'node:fs';
import { NotFoundError } from '@kiln/errors';
import type { FileOwner, FileOwnerId } from '@kiln/llb';
import { resolveInRoot } from './root-path.js';

/** A numeric owner. */
export interface Ids {
  readonly uid: number;
  readonly gid: number;
}

/**
 * Resolves `--chown` in the destination tree `root` (a host directory): a
 * user name is looked up in `root`'s /etc/passwd (giving its uid and primary
 * gid), a group name in `root`'s /etc/group; both files are read inside the
 * root, never the host's. A numeric user without a group gets gid = uid; a
 * group alone keeps uid 0. Returns undefined when there is nothing to chown.
 *
 * @throws NotFoundError naming the user or group when a name has no entry
 *   (also when the file is missing).
 */
export function resolveOwner(root: string, owner: FileOwner | undefined): Ids | undefined {
  if (owner === undefined || (owner.user === undefined && owner.group === undefined)) return undefined;
  let uid = 0;
  let gid = 0;
  if (owner.user !== undefined) {
    if ('id' in owner.user) {
      uid = owner.user.id;
      gid = uid;
    } else {
      const entry = lookup(root, '/etc/passwd', owner.user.name, 7);
      if (entry === undefined) throw notFound('user', owner.user, 'passwd');
      uid = Number(entry[2]);
      gid = Number(entry[3]);
    }
  }
  if (owner.group !== undefined) {
    if ('id' in owner.group) gid = owner.group.id;
    else {
      const entry = lookup(root, '/etc/group', owner.group.name, 3);
      if (entry === undefined) throw notFound('group', owner.group, 'group');
      gid = Number(entry[2]);
    }
  }
  return { uid, gid };
}

function lookup(root: string, file: string, name: string, minFields: number): string[] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(resolveInRoot(root, file), 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(':');
    if (fields.length >= minFields && fields[0] === name && /^\d+$/.test(fields[2] ?? '')) return fields;
  }
  return undefined;
}

function notFound(kind: string, id: FileOwnerId, file: string): NotFoundError {
  const name = 'name' in id ? id.name : String(id.id);
  return new NotFoundError(`unable to find ${kind} ${name}: no matching entries in the destination's /etc/${file}`);
}
