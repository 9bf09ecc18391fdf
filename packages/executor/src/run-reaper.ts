import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Undoes a run if kiln dies before it could: kills and deletes the container,
 * unmounts the rootfs, removes the bundle. It is a shell waiting on a pipe
 * from kiln: when the run ends normally kiln writes `done` and it exits
 * without doing anything; when kiln is killed (even with SIGKILL) the pipe
 * closes and it cleans up. It runs in its own process group, so a Ctrl-C
 * aimed at kiln does not stop it first.
 */
const script = `
IFS= read -r line
[ "$line" = done ] && exit 0
state=$1; id=$2; bundle=$3; shift 3
"$@" --root "$state" kill "$id" KILL 2>/dev/null
for i in 1 2 3 4 5 6 7 8 9 10; do
  "$@" --root "$state" delete --force "$id" 2>/dev/null && break
  sleep 0.2
done
umount -R "$bundle/rootfs" 2>/dev/null || umount -R -l "$bundle/rootfs" 2>/dev/null
rm -rf "$bundle"
`;

/** A started reaper; `disarm` when the run has cleaned up after itself. */
export interface RunReaper {
  disarm(): void;
}

/** Starts the reaper of one run. `command` is the runtime's argv prefix. */
export function startRunReaper(command: readonly string[], stateRoot: string, id: string, bundle: string): RunReaper {
  const child: ChildProcess = spawn('/bin/sh', ['-c', script, 'kiln-run-reaper', stateRoot, id, bundle, ...command], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  child.on('error', () => undefined);
  child.stdin?.on('error', () => undefined);
  child.unref();
  return {
    disarm(): void {
      child.stdin?.end('done\n');
    },
  };
}
