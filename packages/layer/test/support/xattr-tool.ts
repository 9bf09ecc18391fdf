/**
 * Test-side xattr access through python3's os.*xattr, independent of the
 * code under test (and of @kiln/sys), so the tests check what the kernel holds.
 */
import { execFileSync } from 'node:child_process';

export function getXattr(file: string, name: string): Buffer | undefined {
  const out = execFileSync('python3', ['-c', `
import os, sys
try: sys.stdout.write(os.getxattr(sys.argv[1], sys.argv[2], follow_symlinks=False).hex())
except OSError as e:
  if e.errno == 61: sys.stdout.write('-')
  else: raise
`, file, name]).toString();
  return out === '-' ? undefined : Buffer.from(out, 'hex');
}

export function setXattr(file: string, name: string, value: Buffer): void {
  execFileSync('python3', ['-c', 'import os, sys; os.setxattr(sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3]), follow_symlinks=False)', file, name, value.toString('hex')]);
}
