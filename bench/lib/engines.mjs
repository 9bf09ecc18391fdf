// bench/lib/engines: kiln, docker's BuildKit and buildah behind one shape, so
// a workload runs the same steps on each. Every engine has its own root under
// the bench's work dir; `build` resolves with wall seconds (and, for kiln, the
// peak RSS of its process).
import fs from 'node:fs';
import path from 'node:path';
import { dockerCli } from './anchors.mjs';
import { repo, run, timed } from './util.mjs';

const kilnBin = path.join(repo, 'node_modules/.bin/kiln');

/**
 * @typedef {object} BuildRequest
 * @property {string} context  the context directory
 * @property {string} dockerfile  the Dockerfile (outside the context)
 * @property {string} tag  name of the result
 * @property {boolean} [noCache]  reuse no cached step
 * @property {'host'} [network]  RUN steps on the host network
 * @property {string} [ociDest]  kiln only: also export to this OCI tar (`-o type=oci`)
 * @property {string} [iidfile]  kiln and BuildKit: write the image id here
 *
 * @typedef {object} Engine
 * @property {'kiln'|'buildkit'|'buildah'} id
 * @property {(image: import('./base-images.mjs').BaseImage) => void} load  put a base image into the engine's store
 * @property {(req: BuildRequest) => Promise<{ seconds: number, rss?: number }>} build
 * @property {(tag: string, dest: string) => Promise<{ seconds: number }>} exportOci  the image as an OCI (or docker) tar
 * @property {(tag: string, dir: string) => void} ociLayout  the image as an OCI layout directory with ref name `tag` → for comparisons
 * @property {() => void} cleanup
 */

/** kiln from this repository, with its own KILN_ROOT (and no docker or kiln config of the user). */
export function kilnEngine(workDir, { logFile, profileDir } = {}) {
  const root = path.join(workDir, 'kiln-root');
  const env = { ...process.env, KILN_ROOT: root, DOCKER_CONFIG: path.join(workDir, 'kiln-docker-config'), KILN_CONFIG: path.join(workDir, 'kiln-config.json') };
  if (profileDir) env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${profileDir}`.trim();
  const plainEnv = { ...env, NODE_OPTIONS: process.env.NODE_OPTIONS ?? '' };
  let rssCounter = 0;
  return {
    id: 'kiln',
    load(image) {
      const [repository] = image.name.split(':');
      run(kilnBin, ['load', '-i', image.layout, '--repository', repository], { env: plainEnv });
    },
    build(req) {
      const args = ['build', '--progress=plain', '-f', req.dockerfile, '-t', req.tag];
      if (req.noCache) args.push('--no-cache');
      if (req.network) args.push('--network', req.network);
      if (req.ociDest) args.push('-o', `type=oci,dest=${req.ociDest}`);
      if (req.iidfile) args.push('--iidfile', req.iidfile);
      args.push(req.context);
      return timed(kilnBin, args, { env, logFile, rssFile: path.join(workDir, `kiln-rss-${++rssCounter}`) });
    },
    exportOci(tag, dest) {
      return timed(kilnBin, ['save', '--format', 'oci', '-o', dest, tag], { env: plainEnv, logFile });
    },
    ociLayout(tag, dir) {
      const tar = `${dir}.tar`;
      run(kilnBin, ['save', '--format', 'oci', '-o', tar, tag], { env: plainEnv });
      fs.mkdirSync(dir, { recursive: true });
      run('tar', ['-xf', tar, '-C', dir]);
      fs.rmSync(tar);
      // kiln names the manifest by its full reference; umoci and the tree walk want the tag.
      const indexFile = path.join(dir, 'index.json');
      const index = JSON.parse(fs.readFileSync(indexFile, 'utf8'));
      for (const m of index.manifests) m.annotations = { ...m.annotations, 'org.opencontainers.image.ref.name': 'cmp' };
      fs.writeFileSync(indexFile, JSON.stringify(index));
    },
    cleanup() {},
  };
}

/** docker 20.10's BuildKit through /usr/bin/docker against the dockerd of `docker.env`. */
export function buildkitEngine(workDir, docker, { logFile } = {}) {
  const env = docker.env;
  return {
    id: 'buildkit',
    load(image) {
      const archive = path.join(workDir, `load-${image.name.replace(/[^a-z0-9]/gi, '_')}.tar`);
      run('skopeo', ['--insecure-policy', 'copy', '-q', `oci:${image.layout}:${image.tag}`, `docker-archive:${archive}:${image.name}`]);
      run(dockerCli, ['load', '-q', '-i', archive], { env });
      fs.rmSync(archive);
    },
    build(req) {
      const args = ['build', '--progress=plain', '-f', req.dockerfile, '-t', req.tag];
      if (req.noCache) args.push('--no-cache');
      if (req.network) args.push('--network', req.network);
      if (req.iidfile) args.push('--iidfile', req.iidfile);
      args.push(req.context);
      return timed(dockerCli, args, { env, logFile });
    },
    exportOci(tag, dest) {
      return timed(dockerCli, ['save', '-o', dest, tag], { env, logFile });
    },
    ociLayout(tag, dir) {
      const archive = `${dir}.docker.tar`;
      run(dockerCli, ['save', '-o', archive, tag], { env });
      run('skopeo', ['--insecure-policy', 'copy', '-q', `docker-archive:${archive}`, `oci:${dir}:cmp`]);
      // The OCI conversion drops docker-only config fields (Healthcheck, Shell, OnBuild…): keep docker's own config beside the layout.
      const manifest = JSON.parse(run('tar', ['-xOf', archive, 'manifest.json']));
      fs.writeFileSync(path.join(dir, 'docker-config.json'), run('tar', ['-xOf', archive, manifest[0].Config]));
      fs.rmSync(archive);
    },
    cleanup() {},
  };
}

/** buildah with `--layers` (else nothing is cached), `--jobs` (else stages run one at a time), on crun. */
export function buildahEngine(workDir, setup, { logFile } = {}) {
  const global = setup.global;
  return {
    id: 'buildah',
    load(image) {
      // Stored under both spellings a short name can resolve to, so `FROM busybox` finds it without a registry.
      for (const prefix of ['docker.io/library/', 'localhost/']) {
        run('skopeo', ['--insecure-policy', 'copy', '-q', `oci:${image.layout}:${image.tag}`, setup.storageRef(prefix + image.name)]);
      }
    },
    build(req) {
      const args = [...global, 'bud', '--layers', '--pull=false', '--tls-verify=false', '--isolation', 'oci', '--runtime', setup.runtime, '--jobs', '4'];
      args.push('-f', req.dockerfile, '-t', req.tag);
      if (req.noCache) args.push('--no-cache');
      if (req.network) args.push('--network', req.network);
      args.push(req.context);
      return timed('/usr/bin/buildah', args, { logFile });
    },
    exportOci(tag, dest) {
      return timed('/usr/bin/buildah', [...global, 'push', '--quiet', tag, `oci-archive:${dest}`], { logFile });
    },
    ociLayout(tag, dir) {
      run('/usr/bin/buildah', [...global, 'push', '--quiet', tag, `oci:${dir}:cmp`]);
    },
    cleanup: setup.cleanup,
  };
}
