#!/usr/bin/env node
// bench/profile-summary: where a V8 CPU profile (node --cpu-prof, e.g. from
// `bench/compare.mjs --profile DIR`) spends its time: self time by function
// and by file, with shares of the whole profile, and the idle share (time
// the process waited on children, disks or timers).
//
// Usage: node bench/profile-summary.mjs FILE.cpuprofile [--top 25]
import fs from 'node:fs';
import path from 'node:path';
import { option, repo } from './lib/util.mjs';

const args = process.argv.slice(2);
const file = args.find((a) => a.endsWith('.cpuprofile'));
if (!file) throw new Error('usage: node bench/profile-summary.mjs FILE.cpuprofile [--top N]');
const top = Number(option(args, '--top', '25'));
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));

// Self time per node: each sample is charged to the node it landed in, for the time delta after it.
const self = new Map();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)));
const total = (profile.endTime - profile.startTime) / 1000;
const short = (url) => (url ? url.replace(/^file:\/\//, '').replace(repo, '').replace(/^.*node_modules\//, 'node_modules/') : '');
const byFunction = new Map();
const byFile = new Map();
for (const node of profile.nodes) {
  const us = self.get(node.id) ?? 0;
  if (!us) continue;
  const f = node.callFrame;
  const where = short(f.url) || '(native)';
  const key = `${f.functionName || '(anonymous)'}  ${where}${f.url ? `:${f.lineNumber + 1}` : ''}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us / 1000);
  const fileKey = f.url ? where : f.functionName;
  byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + us / 1000);
}
const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [k, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${k}`);
  }
};
console.log(`${path.basename(file)}: ${total.toFixed(0)} ms wall`);
print('self time by function', byFunction);
print('self time by file', byFile);
