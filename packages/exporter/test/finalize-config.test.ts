import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { exporterHistoryComment, finalizeImageConfig, formatGoTime } from '@kiln/exporter';
import type { Digest, HistoryEntry, ImageConfig } from '@kiln/oci';
import { corpusPath } from '../../../test/support/shared.ts';

const d = (n: number): Digest => `sha256:${n.toString(16).padStart(64, '0')}` as Digest;
const now = Date.parse('2026-03-04T05:06:07.5Z');
const nowText = '2026-03-04T05:06:07.5Z';

function config(history: HistoryEntry[] | undefined, extra: Partial<ImageConfig> = {}): ImageConfig {
  return { architecture: 'amd64', os: 'linux', config: { Cmd: ['sh'] }, rootfs: { type: 'layers', diff_ids: [] }, ...(history ? { history } : {}), ...extra };
}

test('formatGoTime writes RFC 3339 in UTC as Go marshals time.Time', (t) => {
  t.is(formatGoTime(1445412480 * 1000), '2015-10-21T07:28:00Z');
  t.is(formatGoTime(now), nowText);
  t.is(formatGoTime(Date.parse('2026-01-01T00:00:00.120Z')), '2026-01-01T00:00:00.12Z');
});

test('diff_ids come from the layers and a Dockerfile history is dated like BuildKit (layer steps now, metadata the next layer time)', (t) => {
  const history: HistoryEntry[] = [
    { created: '2024-01-01T00:00:00Z', created_by: 'base layer' },
    { created: '2024-01-01T00:00:00Z', created_by: 'CMD ["sh"]', empty_layer: true },
    { created_by: 'ENV A=b', comment: 'buildkit.dockerfile.v0', empty_layer: true },
    { created_by: 'RUN /bin/sh -c make # buildkit', comment: 'buildkit.dockerfile.v0' },
    { created_by: 'CMD ["app"]', comment: 'buildkit.dockerfile.v0', empty_layer: true },
  ];
  const { config: out, warnings } = finalizeImageConfig(config(history), { diffIds: [d(1), d(2)], now });
  t.deepEqual(out.rootfs, { type: 'layers', diff_ids: [d(1), d(2)] });
  t.deepEqual(warnings, []);
  t.deepEqual(out.history?.map((h) => h.created), ['2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', nowText, nowText, nowText]);
  t.is(out.created, nowText, 'no created from the frontend: the last history time');
  t.deepEqual(out.config, { Cmd: ['sh'] });
});

test('a base image whose history misses layers gets entries appended at the end, as BuildKit does', (t) => {
  const history: HistoryEntry[] = [{ created_by: 'RUN x # buildkit', comment: 'buildkit.dockerfile.v0' }];
  const { config: out, warnings } = finalizeImageConfig(config(history), { diffIds: [d(1), d(2), d(3)], now, describeLayer: (i) => (i === 2 ? 'layer three' : undefined) });
  t.deepEqual(warnings, []);
  t.deepEqual(out.history, [
    { created: nowText, created_by: 'RUN x # buildkit', comment: 'buildkit.dockerfile.v0' },
    { created: nowText, comment: exporterHistoryComment },
    { created: nowText, created_by: 'layer three', comment: exporterHistoryComment },
  ]);
  t.is(out.history!.filter((h) => h.empty_layer !== true).length, out.rootfs.diff_ids.length);
});

test('a history describing more layers than exist has its extra entries marked empty, with a warning', (t) => {
  const history: HistoryEntry[] = [
    { created: '2024-01-01T00:00:00Z', created_by: 'one' },
    { created: '2024-01-01T00:00:00Z', created_by: 'meta', empty_layer: true },
    { created: '2024-01-02T00:00:00Z', created_by: 'two' },
  ];
  const { config: out, warnings } = finalizeImageConfig(config(history), { diffIds: [d(1)], now });
  t.deepEqual(out.history?.map((h) => h.empty_layer === true), [false, true, true]);
  t.is(warnings.length, 1);
  t.regex(warnings[0]!, /describes 2 layers but the image has 1/);
});

test('SOURCE_DATE_EPOCH clamps later created fields and fills missing ones, earlier ones stay', (t) => {
  const epoch = 1_700_000_000;
  const epochText = '2023-11-14T22:13:20Z';
  const history: HistoryEntry[] = [
    { created: '2015-01-01T00:00:00Z', created_by: 'old base' },
    { created: '2025-01-01T00:00:00Z', created_by: 'newer base' },
    { created_by: 'ENV x=y', empty_layer: true },
    { created_by: 'RUN y # buildkit' },
  ];
  const { config: out } = finalizeImageConfig(config(history, { created: '2026-01-01T00:00:00Z' }), { diffIds: [d(1), d(2), d(3)], now, sourceDateEpoch: epoch });
  t.deepEqual(out.history?.map((h) => h.created), ['2015-01-01T00:00:00Z', epochText, epochText, epochText]);
  t.is(out.created, epochText);
  const early = finalizeImageConfig(config([], { created: '2001-01-01T00:00:00Z' }), { diffIds: [], now, sourceDateEpoch: epoch }).config;
  t.is(early.created, '2001-01-01T00:00:00Z', 'a created before the epoch stays');
  const none = finalizeImageConfig(config(undefined), { diffIds: [], now, sourceDateEpoch: epoch }).config;
  t.is(none.created, epochText);
  t.is(none.history, undefined, 'no history stays no history');
});

test('an image with no layers and no history is created now', (t) => {
  const { config: out } = finalizeImageConfig(config(undefined), { diffIds: [], now });
  t.is(out.created, nowText);
  t.deepEqual(out.rootfs.diff_ids, []);
});

// BuildKit's export goldens: a raw-LLB build on busybox whose history covers only the base layer.
const compat = corpusPath('export-compat');
const goldenConfigs = compat === undefined ? [] : listConfigs(compat);
if (compat === undefined) test.skip('export-compat corpus absent', () => {});
for (const file of goldenConfigs) {
  test(`history, rootfs and created match BuildKit's export golden ${path.relative(compat!, file)}`, (t) => {
    const golden = JSON.parse(fs.readFileSync(file, 'utf8')) as { created: string; history: HistoryEntry[]; rootfs: { diff_ids: Digest[] } };
    const epoch = 1445412480;
    const baseHistory = golden.history.slice(0, 2).map((h) => ({ ...h, created: '2023-05-19T20:19:24.870424212Z' }));
    const describe = (i: number): string | undefined => golden.history[i + 1]!.created_by;
    const { config: out } = finalizeImageConfig(config(baseHistory, { created: '2023-05-19T20:19:24.870424212Z' }), {
      diffIds: golden.rootfs.diff_ids, now, sourceDateEpoch: epoch, describeLayer: describe,
    });
    t.deepEqual(out.history, golden.history);
    t.deepEqual(out.rootfs.diff_ids, golden.rootfs.diff_ids);
    t.is(out.created, golden.created);
  });
}

function listConfigs(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => path.basename(p) === 'config.json')
    .map((p) => path.join(dir, p))
    .sort();
}
