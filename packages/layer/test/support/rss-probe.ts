/**
 * Child process for the memory test: diffs `<upper>` (a tree against an empty
 * lower) into a throwaway store and applies the blob to `<target>`, then
 * prints JSON with the peak RSS before and after, in bytes. Run apart from
 * ava so other tests' allocations do not blur the number.
 */
import path from 'node:path';
import { apply, diff } from '@kiln/layer';
import { FileContent } from './file-content.ts';

const [upper, target, store, compression] = process.argv.slice(2) as [string, string, string, 'gzip' | 'zstd' | 'uncompressed'];
const content = new FileContent(store);
// Warm up every code path on a tiny tree first, so the baseline includes the code itself.
const warm = await diff([], [{ type: 'bind', source: path.join(upper, 'small'), options: ['rbind'] }], content, { compression });
await apply(warm.descriptor, path.join(target, 'warm'), { content });
const baseline = process.resourceUsage().maxRSS * 1024;
const layer = await diff([], [{ type: 'bind', source: upper, options: ['rbind'] }], content, { compression, level: 1 });
const afterDiff = process.resourceUsage().maxRSS * 1024;
const applied = await apply(layer.descriptor, path.join(target, 'full'), { content, diffId: layer.diffId });
const afterApply = process.resourceUsage().maxRSS * 1024;
process.stdout.write(JSON.stringify({ baseline, afterDiff, afterApply, size: applied.size, compressed: layer.descriptor.size }));
