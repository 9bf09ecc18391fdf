/** Temporary directories for layer tests, removed when the test ends (pass or fail). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExecutionContext } from 'ava';

export function tempDir(t: ExecutionContext, label = 'layer'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kiln-${label}-`));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Collects an async iterable of byte chunks into one Buffer (test data only: small). */
export async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of source) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

/** A binary vfs_cap_data rev 2 value (CAP_SETUID + CAP_NET_BIND_SERVICE, effective); byte 0x80 breaks UTF-8 round trips. */
export const capability = Buffer.from('0100000280040000000000000000000000000000', 'hex');
