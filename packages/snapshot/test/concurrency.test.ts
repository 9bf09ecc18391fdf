// Two processes on one root and one database: every change is one
// transaction, so names stay unique and every row has its directory.
import test from 'ava';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createOverlaySnapshotter, type SnapshotInfo } from '@kiln/snapshot';

const worker = (root: string, tag: string): string => `
import { DatabaseSync } from 'node:sqlite';
import { createOverlaySnapshotter } from '@kiln/snapshot';
const db = new DatabaseSync(${JSON.stringify(path.join(root, 'metadata.db'))}, { timeout: 20000 });
const sn = createOverlaySnapshotter({ root: ${JSON.stringify(root)}, db });
const out = { contested: 'won' };
for (let i = 0; i < 15; i++) {
  await sn.prepare('${tag}-' + i, 'base');
  await sn.commit('${tag}-c' + i, '${tag}-' + i);
}
try { await sn.prepare('contested', 'base'); } catch (e) { out.contested = e.code; }
db.close();
process.stdout.write(JSON.stringify(out));
`;

function run(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('two processes preparing and committing on one root stay consistent', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-concurrent-'));
  const db = new DatabaseSync(path.join(root, 'metadata.db'), { timeout: 20000 });
  try {
    db.exec('PRAGMA journal_mode = WAL');
    const sn = createOverlaySnapshotter({ root, db });
    await sn.prepare('base-active');
    await sn.commit('base', 'base-active');
    const results = await Promise.all([run(worker(root, 'a')), run(worker(root, 'b'))]);
    for (const r of results) t.is(r.code, 0, r.stderr);
    const contested = results.map((r) => (JSON.parse(r.stdout) as { contested: string }).contested).sort();
    t.deepEqual(contested, ['AlreadyExists', 'won'], 'exactly one process got the contested key');
    const all: SnapshotInfo[] = [];
    for await (const info of sn.walk()) all.push(info);
    t.is(all.length, 1 + 2 * 15 + 1);
    t.is(all.filter((i) => i.kind === 'committed' && i.parent === 'base').length, 30);
    const entries = fs.readdirSync(path.join(root, 'snapshots'));
    t.deepEqual(entries.filter((d) => !/^\d+$/.test(d)), [], 'no temporary directory is left');
    t.is(entries.length, all.length, 'one directory per snapshot');
    t.is(await sn.cleanup(), 0);
  } finally {
    db.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
