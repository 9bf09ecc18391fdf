import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mount, unmountAll } from '@kiln/sys';

/**
 * Where a build's secret comes from (`--secret id=…,src=FILE` or `env=NAME`),
 * or its bytes. Read only when a step mounts it; never copied anywhere else.
 */
export type SecretSource = Uint8Array | { readonly file: string } | { readonly env: string };

/** The bytes of a secret, or undefined when its file or variable is missing. */
export function readSecret(source: SecretSource): Uint8Array | undefined {
  if (source instanceof Uint8Array) return source;
  if ('file' in source) {
    try {
      return fs.readFileSync(source.file);
    } catch {
      return undefined;
    }
  }
  const value = process.env[source.env];
  return value === undefined ? undefined : Buffer.from(value, 'utf8');
}

/**
 * A private tmpfs for one run's secret files: a fresh directory under the
 * system temporary directory with a small tmpfs (mode 0700) mounted on it,
 * so secret bytes live in memory only — never on disk, never under
 * KILN_ROOT, never in a snapshot — and vanish on `release` (unmount, rmdir).
 */
export class SecretDir {
  readonly #dir: string;
  #count = 0;

  private constructor(dir: string) {
    this.#dir = dir;
  }

  /** Makes the directory and mounts its tmpfs. Throws ErrnoError without CAP_SYS_ADMIN. */
  static create(): SecretDir {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-secrets-'));
    try {
      mount({ type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'noexec', 'mode=0700', 'size=16m'] }, dir);
    } catch (error) {
      fs.rmdirSync(dir);
      throw error;
    }
    return new SecretDir(dir);
  }

  /** Writes one secret file with its mode and owner; returns its host path (for a read-only bind). */
  write(data: Uint8Array, mode: number, uid: number, gid: number): string {
    const file = path.join(this.#dir, `s${++this.#count}`);
    fs.writeFileSync(file, data, { mode: 0o600 });
    fs.chownSync(file, uid, gid);
    fs.chmodSync(file, mode);
    return file;
  }

  /** Unmounts the tmpfs (its contents are gone with it) and removes the directory. */
  release(): void {
    unmountAll(this.#dir);
    fs.rmdirSync(this.#dir);
  }
}
