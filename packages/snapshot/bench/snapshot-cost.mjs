// Cost of one build step's snapshot work: prepare + mount + write + unmount + commit,
// per driver, over a chain of N layers (default 200). Needs root; cleans up after itself.
// Run: npx tsc -b packages/snapshot && node packages/snapshot/bench/snapshot-cost.mjs [layers]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createCopySnapshotter, createOverlaySnapshotter } from '@kiln/snapshot';
import { mountAll, unmountRecursive } from '@kiln/sys';

const layers = Number(process.argv[2] ?? 200);
for (const [driver, create] of [['overlayfs', createOverlaySnapshotter], ['copy', createCopySnapshotter]]) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-bench-snapshot-'));
  const db = new DatabaseSync(path.join(root, 'metadata.db'));
  db.exec('PRAGMA journal_mode = WAL');
  const sn = create({ root, db });
  const mnt = path.join(root, 'mnt');
  fs.mkdirSync(mnt);
  const total = { prepare: 0, mount: 0, unmount: 0, commit: 0 };
  let parent;
  let optionBytes = 0;
  try {
    for (let i = 0; i < layers; i++) {
      let t0 = performance.now();
      const mounts = await sn.prepare(`k${i}`, parent);
      total.prepare += performance.now() - t0;
      optionBytes = mounts[0].options.join(',').length;
      t0 = performance.now();
      mountAll(mounts, mnt);
      total.mount += performance.now() - t0;
      fs.writeFileSync(path.join(mnt, `f${i}`), String(i));
      t0 = performance.now();
      unmountRecursive(mnt);
      total.unmount += performance.now() - t0;
      t0 = performance.now();
      await sn.commit(`layer-${i}`, `k${i}`);
      total.commit += performance.now() - t0;
      parent = `layer-${i}`;
    }
    const per = Object.fromEntries(Object.entries(total).map(([k, v]) => [k, +(v / layers).toFixed(2)]));
    console.log(`${driver}: ${layers} layers, ms per layer ${JSON.stringify(per)}, last mount option string ${optionBytes} bytes`);
  } finally {
    unmountRecursive(mnt, 2);
    db.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
