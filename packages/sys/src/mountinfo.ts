import fs from 'node:fs';

/** One line of /proc/<pid>/mountinfo (proc(5)), with octal escapes (`\040`) decoded. */
export interface MountInfo {
  readonly id: number;
  readonly parentId: number;
  /** `major:minor` of the filesystem's device. */
  readonly device: string;
  /** The directory of the filesystem that forms this mount's root. */
  readonly root: string;
  /** Where it is mounted, absolute and canonical. */
  readonly mountPoint: string;
  readonly mountOptions: readonly string[];
  readonly fsType: string;
  readonly source: string;
  readonly superOptions: readonly string[];
}

const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));

/** Parses the text of a mountinfo file (pure). Malformed lines are skipped. */
export function parseMountInfo(text: string): MountInfo[] {
  const out: MountInfo[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const sep = fields.indexOf('-');
    if (sep < 6 || fields.length < sep + 4) continue;
    out.push({
      id: Number(fields[0]),
      parentId: Number(fields[1]),
      device: fields[2]!,
      root: unescape(fields[3]!),
      mountPoint: unescape(fields[4]!),
      mountOptions: fields[5]!.split(','),
      fsType: fields[sep + 1]!,
      source: unescape(fields[sep + 2]!),
      superOptions: fields[sep + 3]!.split(','),
    });
  }
  return out;
}

/** The mounts of this process's mount namespace, from /proc/self/mountinfo. */
export function readMountInfo(): MountInfo[] {
  return parseMountInfo(fs.readFileSync('/proc/self/mountinfo', 'utf8'));
}
