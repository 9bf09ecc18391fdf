// bench/lib/image-tree: what an image is, for comparing two engines' results:
// its root filesystem (unpacked with umoci, as root so owners stay) walked
// into entries (type, mode, owner, size, content digest, link target, device;
// never times), and its config reduced to what a build decides.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { run } from './util.mjs';

/** Unpacks the layout's `cmp` image into `dir` (the root filesystem itself); returns `dir`. */
export function unpack(layout, dir) {
  run('umoci', ['raw', 'unpack', '--image', `${layout}:cmp`, dir]);
  return dir;
}

const typeOf = (st) =>
  st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFIFO() ? 'fifo' : st.isCharacterDevice() ? 'char' : st.isBlockDevice() ? 'block' : st.isSocket() ? 'socket' : 'other';

/**
 * Every entry below `root`, by path ('/'-rooted), with the attributes a
 * build decides. Hard links show as files with the same content and a link
 * count; the count is compared too.
 * @returns {Map<string, Record<string, string|number>>}
 */
export function walkTree(root) {
  const entries = new Map();
  const visit = (abs, rel) => {
    for (const name of fs.readdirSync(abs).sort()) {
      const childAbs = path.join(abs, name);
      const childRel = `${rel}/${name}`;
      const st = fs.lstatSync(childAbs);
      const e = { type: typeOf(st), mode: (st.mode & 0o7777).toString(8).padStart(4, '0'), uid: st.uid, gid: st.gid };
      if (st.isFile()) {
        e.size = st.size;
        e.sha256 = createHash('sha256').update(fs.readFileSync(childAbs)).digest('hex').slice(0, 16);
        if (st.nlink > 1) e.nlink = st.nlink;
      } else if (st.isSymbolicLink()) {
        e.target = fs.readlinkSync(childAbs);
      } else if (st.isCharacterDevice() || st.isBlockDevice()) {
        e.rdev = st.rdev;
      }
      entries.set(childRel, e);
      if (st.isDirectory()) visit(childAbs, childRel);
    }
  };
  visit(root, '');
  return entries;
}

/** Differences between two trees, as printable lines. */
export function diffTrees(a, b, names = ['kiln', 'BuildKit']) {
  const out = [];
  for (const [p, ea] of a) {
    const eb = b.get(p);
    if (!eb) {
      out.push(`only in ${names[0]}: ${p} (${ea.type})`);
      continue;
    }
    const keys = new Set([...Object.keys(ea), ...Object.keys(eb)]);
    const d = [...keys].filter((k) => ea[k] !== eb[k]).map((k) => `${k} ${ea[k] ?? '–'} vs ${eb[k] ?? '–'}`);
    if (d.length) out.push(`differs: ${p}: ${d.join(', ')}`);
  }
  for (const [p, eb] of b) if (!a.has(p)) out.push(`only in ${names[1]}: ${p} (${eb.type})`);
  return out;
}

/** The image config of the layout's `cmp` image (docker's own config when the layout came from a docker archive). */
export function readConfig(layout) {
  const docker = path.join(layout, 'docker-config.json');
  if (fs.existsSync(docker)) return JSON.parse(fs.readFileSync(docker, 'utf8'));
  const blob = (d) => path.join(layout, 'blobs', ...d.split(':'));
  const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8'));
  const desc = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'cmp') ?? index.manifests[0];
  const manifest = JSON.parse(fs.readFileSync(blob(desc.digest), 'utf8'));
  return JSON.parse(fs.readFileSync(blob(manifest.config.digest), 'utf8'));
}

/**
 * The config without what differs by time or by tar encoding (creation
 * times, layer digests: only the number of layers is kept).
 */
export function normalizeConfig(config) {
  const c = structuredClone(config);
  delete c.created;
  if (c.rootfs?.diff_ids) c.rootfs.diff_ids = `${c.rootfs.diff_ids.length} layers`;
  for (const h of c.history ?? []) delete h.created;
  return c;
}

/**
 * Differences between two JSON values, as `path: a vs b` lines. `null` and
 * absent are the same (docker writes Go's nil slices and maps as null).
 */
export function diffJson(a, b, at = '') {
  if (a == null && b == null) return [];
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObj = (x) => x !== null && typeof x === 'object';
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a) ? [...Array(Math.max(a.length, b.length)).keys()] : [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffJson(a[k], b[k], `${at}${Array.isArray(a) ? `[${k}]` : `.${k}`}`));
  }
  return [`${at || '.'}: ${JSON.stringify(a) ?? 'absent'} vs ${JSON.stringify(b) ?? 'absent'}`];
}
