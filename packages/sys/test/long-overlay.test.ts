import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, isKilnError } from '@kiln/errors';
import { escapeLowerdir, mount, mountDataLimit, unmount, type LongOverlayStrategy, type Mount } from '@kiln/sys';
import { cleanUp, tempDir } from './helpers.ts';

const dirs: string[] = [];
test.afterEach.always((t) => {
  for (const d of dirs.splice(0)) t.deepEqual(cleanUp(d), [], `nothing left mounted under ${d}`);
});

/** `count` lower dirs with long paths; layer i holds `f<i>` and its own version of `top`. */
function layers(count: number, segment: string): { root: string; overlay: Mount; merged: string; optionBytes: number } {
  const root = tempDir('kiln-long-');
  dirs.push(root);
  const lowers: string[] = [];
  for (let i = 0; i < count; i++) {
    const d = path.join(root, segment, `layer-${String(i).padStart(4, '0')}`);
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, `f${i}`), String(i));
    fs.writeFileSync(path.join(d, 'top'), String(i));
    lowers.push(d);
  }
  for (const d of ['upper', 'work', 'merged']) fs.mkdirSync(path.join(root, d));
  const options = [`lowerdir=${lowers.map(escapeLowerdir).join(':')}`, `upperdir=${path.join(root, 'upper')}`, `workdir=${path.join(root, 'work')}`];
  return { root, overlay: { type: 'overlay', source: 'overlay', options }, merged: path.join(root, 'merged'), optionBytes: Buffer.byteLength(options.join(',')) };
}

for (const strategy of [undefined, 'fsconfig', 'fd-paths'] as const) {
  test.serial(`200 lowers with long paths mount through ${strategy ?? 'the default strategy'} and stack top first`, (t) => {
    const { overlay, merged, optionBytes } = layers(200, 'p'.repeat(60) + '/' + 'q'.repeat(60));
    t.true(optionBytes > mountDataLimit * 5, `options are ${optionBytes} bytes`);
    const started = performance.now();
    mount(overlay, merged, strategy === undefined ? {} : { longOverlay: strategy as LongOverlayStrategy });
    const ms = performance.now() - started;
    try {
      t.is(fs.readdirSync(merged).length, 201);
      t.is(fs.readFileSync(path.join(merged, 'top'), 'utf8'), '0');
      t.is(fs.readFileSync(path.join(merged, 'f199'), 'utf8'), '199');
      fs.writeFileSync(path.join(merged, 'written'), 'w');
    } finally {
      unmount(merged);
    }
    t.log(`${strategy ?? 'default'}: ${optionBytes} option bytes, mount took ${ms.toFixed(1)} ms`);
  });
}

test.serial('fsconfig passes a lower dir longer than 255 bytes through /proc/self/fd', (t) => {
  const { overlay, merged } = layers(40, 'z'.repeat(200) + '/' + 'y'.repeat(100));
  mount(overlay, merged, { longOverlay: 'fsconfig' });
  t.is(fs.readFileSync(path.join(merged, 'top'), 'utf8'), '0');
  unmount(merged);
});

test.serial('fd-paths refuses a stack that still does not fit in a page, with ResourceExhausted', (t) => {
  const { overlay, merged } = layers(300, 'r'.repeat(20));
  const error = t.throws(() => mount(overlay, merged, { longOverlay: 'fd-paths' }));
  t.true(isKilnError(error, ErrorCode.ResourceExhausted), String(error));
});
