// bench/lib/report: the comparison's tables (markdown) and the issue's targets.
import os from 'node:os';
import { median, secs } from './util.mjs';

/** Issue 7's targets: kiln/BuildKit ratio ceilings by workload and scenario. */
const targets = {
  'w1 cold': 0.9,
  'w1 warm': 1.0,
  'w2 cold': 0.6,
  'w2 warm': 0.3,
  'w2 one file changed': 0.5,
  'w5 per-step overhead, cold': 0.5,
};
const floorW1 = 2.0;
const rssTarget = 250 * 1e6;

const names = { kiln: 'kiln', buildkit: 'BuildKit', buildah: 'buildah' };

/** Prints the medians, ratios and targets to stdout as markdown. */
export function printReport({ results, rss, runs, engines, w2Options }) {
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`\n### kiln vs docker BuildKit vs buildah — median of ${runs} alternating runs, seconds\n`);
  console.log(`${os.cpus().length} cores, kernel ${os.release()}, load average at the end ${load}; w2 = ${w2Options.files} files × ${w2Options.bytes} bytes\n`);
  const has = (e) => engines.includes(e);
  const header = ['workload', 'scenario', ...engines.map((e) => names[e])];
  if (has('kiln') && has('buildkit')) header.push('kiln/BuildKit');
  if (has('kiln') && has('buildah')) header.push('kiln/buildah');
  header.push('target (kiln/BuildKit)');
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  const verdicts = [];
  for (const [w, scenarios] of Object.entries(results)) {
    for (const [scenario, byEngine] of Object.entries(scenarios)) {
      const m = Object.fromEntries(engines.map((e) => [e, median(byEngine[e] ?? [])]));
      const isSize = scenario.includes('(MB)');
      if (scenario === 'failed rounds') {
        console.log(`| ${[w, scenario, ...engines.map((e) => String(byEngine[e]?.length ?? 0))].join(' | ')} |${' |'.repeat(header.length - 2 - engines.length)}`);
        continue;
      }
      const cells = [w, scenario, ...engines.map((e) => (isSize ? m[e]?.toFixed(0) : secs(m[e])))];
      const ratio = (a, b) => (Number.isFinite(m[a]) && Number.isFinite(m[b]) && m[b] > 0 ? (m[a] / m[b]).toFixed(2) : '–');
      if (has('kiln') && has('buildkit')) cells.push(ratio('kiln', 'buildkit'));
      if (has('kiln') && has('buildah')) cells.push(ratio('kiln', 'buildah'));
      const key = `${w} ${scenario}`;
      const target = targets[key];
      if (target !== undefined && Number.isFinite(m.kiln) && Number.isFinite(m.buildkit)) {
        const r = m.kiln / m.buildkit;
        let met = r <= target;
        let note = `≤ ${target.toFixed(1)}: ${met ? 'met' : 'missed'}`;
        if (key === 'w1 cold') {
          const nearFloor = m.kiln <= floorW1 * 1.1;
          note += `; within 10 % of the 2 s floor: ${nearFloor ? 'yes' : 'no'} (${secs(m.kiln)} s)`;
          met = met && nearFloor;
        }
        verdicts.push({ key, met, ratio: r, target });
        cells.push(note);
      } else {
        cells.push('');
      }
      console.log(`| ${cells.join(' | ')} |`);
    }
  }
  if (rss.w2?.length) {
    const peak = Math.max(...rss.w2);
    const met = peak <= rssTarget;
    verdicts.push({ key: 'kiln peak RSS on w2', met });
    console.log(`\nkiln peak RSS on w2 (largest kiln process, any scenario): ${(peak / 1e6).toFixed(0)} MB (${(peak / 2 ** 20).toFixed(0)} MiB); target ≤ 250 MB: ${met ? 'met' : 'missed'}`);
  }
  for (const [w, values] of Object.entries(rss)) {
    if (w !== 'w2' && values.length) console.log(`kiln peak RSS on ${w}: ${(Math.max(...values) / 1e6).toFixed(0)} MB`);
  }
  if (verdicts.length) {
    console.log(`\ntargets met: ${verdicts.filter((v) => v.met).length} of ${verdicts.length}`);
    for (const v of verdicts.filter((x) => !x.met)) console.log(`  missed: ${v.key}${v.ratio !== undefined ? ` (ratio ${v.ratio.toFixed(2)}, target ≤ ${v.target})` : ''}`);
  }
}
