import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mountAll, readMountInfo, unmountRecursive, type Mount } from '@kiln/sys';
import type { Snapshotter } from '../snapshotter.js';

/**
 * The assertions the suite uses, a structural subset of ava's `t` (so this
 * package does not depend on ava; pass ava's `test` as it is).
 */
export interface ConformanceAssertions {
  is(actual: unknown, expected: unknown, message?: string): unknown;
  deepEqual(actual: unknown, expected: unknown, message?: string): unknown;
  true(actual: unknown, message?: string): unknown;
  false(actual: unknown, message?: string): unknown;
  fail(message?: string): unknown;
  log(...values: unknown[]): void;
}

/** The part of ava's `test` the suite registers with (every case is serial: cases mount and count mounts). */
export interface ConformanceTest {
  serial(title: string, implementation: (t: ConformanceAssertions) => Promise<void>): void;
}

/** A snapshotter under test and how to let go of it (close its database). */
export interface SnapshotterFixture {
  readonly snapshotter: Snapshotter;
  close(): void | Promise<void>;
}

/**
 * Makes a snapshotter on `root`, a fresh empty directory per test. Called a
 * second time with the same root it must open the same store (another
 * process's view of it), for the sharing case.
 */
export type SnapshotterFactory = (root: string) => SnapshotterFixture | Promise<SnapshotterFixture>;

/** What each case gets. */
export interface CaseContext {
  readonly t: ConformanceAssertions;
  readonly sn: Snapshotter;
  readonly root: string;
  /** Opens a second snapshotter on the same root (closed by the harness). */
  reopen(): Promise<Snapshotter>;
  /** Mounts `mounts` on a fresh directory, runs `body` there, and always unmounts. */
  mounted<T>(mounts: readonly Mount[], body: (dir: string) => T | Promise<T>): Promise<T>;
}

/** Mount points at or below `dir`. */
export function mountsUnder(dir: string): string[] {
  return readMountInfo().map((m) => m.mountPoint).filter((p) => p === dir || p.startsWith(`${dir}/`));
}

/**
 * Registers one case: a fresh root, the factory's snapshotter, the body, and
 * afterwards proof that no mount and no directory of the case remains.
 */
export function defineCase(test: ConformanceTest, prefix: string, factory: SnapshotterFactory, title: string, body: (ctx: CaseContext) => Promise<void>): void {
  test.serial(`${prefix}: ${title}`, async (t) => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-snapshot-')));
    const fixtures: SnapshotterFixture[] = [];
    let mountCount = 0;
    let leftover: string[];
    try {
      const first = await factory(root);
      fixtures.push(first);
      await body({
        t,
        sn: first.snapshotter,
        root,
        async reopen() {
          const again = await factory(root);
          fixtures.push(again);
          return again.snapshotter;
        },
        async mounted(mounts, run) {
          const dir = path.join(root, `mnt-${mountCount++}`);
          fs.mkdirSync(dir);
          mountAll(mounts, dir);
          try {
            return await run(dir);
          } finally {
            unmountRecursive(dir);
            fs.rmdirSync(dir);
          }
        },
      });
    } finally {
      leftover = mountsUnder(root);
      unmountRecursive(root, 2);
      for (const f of fixtures) await f.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
    t.deepEqual(leftover, [], 'no mount is left under the root');
    t.false(fs.existsSync(root), 'the root is removed');
  });
}

/** Awaits `promise` and asserts it rejects with a kiln error of `code`. */
export async function expectCode(t: ConformanceAssertions, promise: Promise<unknown>, code: string, what: string): Promise<void> {
  try {
    await promise;
    t.fail(`${what}: expected a ${code} error, but it succeeded`);
  } catch (error) {
    t.is((error as { code?: unknown }).code, code, `${what}: ${String(error)}`);
  }
}

/** Asserts that writing a file into `dir` fails with EROFS. */
export function expectReadOnly(t: ConformanceAssertions, dir: string, what: string): void {
  try {
    fs.writeFileSync(path.join(dir, 'kiln-write-probe'), 'x');
    t.fail(`${what}: writing succeeded`);
  } catch (error) {
    t.is((error as NodeJS.ErrnoException).code, 'EROFS', `${what}: ${String(error)}`);
  }
}

/**
 * The tree at `dir` as `relative path → description` (type, mode, owner, and
 * content, link target or device numbers), sorted, excluding the root itself.
 */
export function describeTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      const p = path.join(dir, r);
      const st = fs.lstatSync(p);
      const mode = (st.mode & 0o7777).toString(8);
      const own = `${st.uid}:${st.gid}`;
      if (st.isDirectory()) {
        out[r] = `dir ${mode} ${own}`;
        walk(r);
      } else if (st.isSymbolicLink()) out[r] = `symlink -> ${fs.readlinkSync(p)}`;
      else if (st.isFile()) out[r] = `file ${mode} ${own} ${fs.readFileSync(p, 'utf8')}`;
      else if (st.isCharacterDevice()) out[r] = `char ${mode} ${own} ${st.rdev}`;
      else if (st.isFIFO()) out[r] = `fifo ${mode} ${own}`;
      else out[r] = `other ${mode}`;
    }
  };
  walk('');
  return out;
}

/** Writes files (`content`), directories (`null`, trailing `/` in the name) under `dir`. */
export function writeFiles(dir: string, files: Readonly<Record<string, string | null>>): void {
  for (const [name, content] of Object.entries(files)) {
    const p = path.join(dir, name);
    if (content === null) fs.mkdirSync(p, { recursive: true });
    else {
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content);
    }
  }
}

/** Prepares `key` on `parent`, mounts it, writes `files`, unmounts and commits it as `name`. */
export async function commitLayer(ctx: CaseContext, name: string, parent: string | undefined, change: (dir: string) => void): Promise<void> {
  const key = `${name}-active`;
  await ctx.mounted(await ctx.sn.prepare(key, parent), change);
  await ctx.sn.commit(name, key);
}
