// Several processes opening a brand-new root at the same moment all get the database (no "database is locked").
import test from 'ava';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-db-race-'));
test.after.always(() => fs.rmSync(dir, { recursive: true, force: true }));

test('sixteen processes opening a new metadata database at once all succeed, in WAL mode', async (t) => {
  const file = path.join(dir, 'metadata.db');
  const start = Date.now() + 1500;
  const script = `import('@kiln/content').then((m) => { while (Date.now() < ${start});  const db = m.openMetadataDatabase(${JSON.stringify(file)}); m.ensureContentSchema(db); process.stdout.write(String(db.prepare('PRAGMA journal_mode').get().journal_mode)); db.close(); })`;
  const runs = await Promise.all(Array.from({ length: 16 }, () => new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  })));
  for (const r of runs) {
    t.is(r.code, 0, r.err);
    t.is(r.out, 'wal');
  }
});
