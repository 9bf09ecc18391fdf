// bench/lib/anchors: the engines kiln is measured against, from Debian's
// packages, started the way ../shared/reference/anchors.md found works on this
// VM: dockerd 20.10 with its embedded BuildKit (its own data-root, exec-root
// and pidfile; driven by /usr/bin/docker, never a newer CLI earlier on PATH)
// and buildah 1.28 with its own storage, on crun in a private view of the
// cgroup tree (crun 1.8 refuses the hybrid cgroup layout this VM has).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { removeTree, run, say } from './util.mjs';

/** The Debian packages the comparison needs, by the command that proves each is there. */
const packages = {
  'docker.io': '/usr/sbin/dockerd',
  buildah: '/usr/bin/buildah',
  skopeo: '/usr/bin/skopeo',
  umoci: '/usr/bin/umoci',
  crun: '/usr/bin/crun',
  'busybox-static': '/bin/busybox',
  debootstrap: '/usr/sbin/debootstrap',
  time: '/usr/bin/time',
};

/** Installs the missing packages with apt-get (once; nothing when all are present). */
export function ensurePackages() {
  const missing = Object.entries(packages)
    .filter(([, file]) => !fs.existsSync(file))
    .map(([name]) => name);
  if (missing.length === 0) return;
  say(`installing ${missing.join(' ')} from Debian`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing, ...(missing.includes('buildah') ? ['containernetworking-plugins'] : [])], { env });
}

export const dockerCli = '/usr/bin/docker';
const defaultSocket = '/var/run/docker.sock';

/**
 * A dockerd for the benchmark. When one already answers on the default
 * socket it is used as is (and left running); otherwise one is started with
 * anchors.md's flags, its data and state under `workDir`, and `stop` ends it
 * and removes what it made (its mounts, data-root, and the docker0 bridge
 * when that did not exist before).
 * @returns {Promise<{ env: NodeJS.ProcessEnv, started: boolean, stop: () => Promise<void> }>}
 */
export async function startDocker(workDir, dockerdLog = path.join(workDir, 'dockerd.log')) {
  const config = path.join(workDir, 'docker-config');
  fs.mkdirSync(config, { recursive: true });
  const env = { ...process.env, DOCKER_BUILDKIT: '1', DOCKER_CONFIG: config, DOCKER_HOST: `unix://${defaultSocket}` };
  if (run(dockerCli, ['version', '--format', '{{.Server.Version}}'], { env, allowFail: true }).status === 0) {
    say('using the dockerd already running on', defaultSocket);
    return { env, started: false, stop: async () => undefined };
  }
  const dataRoot = path.join(workDir, 'docker-data');
  const execRoot = path.join(workDir, 'docker-exec');
  const pidfile = path.join(workDir, 'dockerd.pid');
  const hadBridge = fs.existsSync('/sys/class/net/docker0');
  const log = fs.openSync(dockerdLog, 'a');
  const child = spawn(
    '/usr/sbin/dockerd',
    ['--storage-driver=overlay2', '--mtu=1400', `--pidfile=${pidfile}`, `--host=unix://${defaultSocket}`, `--data-root=${dataRoot}`, `--exec-root=${execRoot}`],
    { stdio: ['ignore', log, log], detached: true },
  );
  fs.closeSync(log);
  let exited = false;
  const exitedPromise = new Promise((resolve) => {
    child.on('exit', () => ((exited = true), resolve()));
    child.on('error', () => ((exited = true), resolve()));
  });
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      await Promise.race([exitedPromise, new Promise((r) => setTimeout(r, 30_000))]);
      if (!exited) child.kill('SIGKILL');
      await exitedPromise;
    }
    removeTree(execRoot);
    removeTree(dataRoot);
    if (!hadBridge && fs.existsSync('/sys/class/net/docker0')) spawnSync('ip', ['link', 'delete', 'docker0']);
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) throw new Error(`dockerd exited at start; see ${dockerdLog}`);
    if (run(dockerCli, ['version', '--format', '{{.Server.Version}}'], { env, allowFail: true }).status === 0) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`dockerd did not answer on ${defaultSocket} within 90 s`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  say(`started dockerd (pid ${child.pid}), data-root ${dataRoot}`);
  return { env, started: true, stop };
}

/**
 * buildah's global flags for a private storage under `workDir`, and a crun
 * wrapper that runs crun where the cgroup2 `unified` mount is hidden (the
 * same private view kiln's executor uses), or crun as is on a pure cgroup v1
 * or v2 machine.
 */
export function buildahSetup(workDir) {
  const root = path.join(workDir, 'buildah-root');
  const runroot = path.join(workDir, 'buildah-run');
  fs.mkdirSync(root, { recursive: true });
  fs.mkdirSync(runroot, { recursive: true });
  let runtime = '/usr/bin/crun';
  if (fs.existsSync('/sys/fs/cgroup/unified/cgroup.controllers') && !fs.existsSync('/sys/fs/cgroup/cgroup.controllers')) {
    runtime = path.join(workDir, 'crun-private-cgroup');
    fs.writeFileSync(
      runtime,
      `#!/bin/sh\nexec unshare --mount --propagation private /bin/sh -c 'umount -l /sys/fs/cgroup/unified 2>/dev/null; exec /usr/bin/crun "$@"' crun "$@"\n`,
      { mode: 0o755 },
    );
  }
  const global = ['--root', root, '--runroot', runroot, '--storage-driver', 'overlay'];
  const storageRef = (name) => `containers-storage:[overlay@${root}+${runroot}]${name}`;
  const cleanup = () => {
    spawnSync('/usr/bin/buildah', [...global, 'rm', '--all'], { stdio: 'ignore' });
    removeTree(runroot);
    removeTree(root);
  };
  return { global, runtime, storageRef, cleanup };
}
