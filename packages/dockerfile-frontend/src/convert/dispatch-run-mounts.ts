/**
 * `RUN --mount` (BuildKit's `dispatchRunMounts`, `dispatchSecret`,
 * `dispatchSSH`): each value expanded with the stage's environment, then
 * turned into an exec mount — bind (default: the build context), cache,
 * tmpfs, secret and ssh — or a secret exposed as an environment variable.
 */
import { InvalidArgumentError } from '@kiln/errors';
import type { ExecMount, SecretEnv, VertexInput } from '@kiln/llb';
import { parseRunMount, type RunMount } from '../instructions/commands-runmount.js';
import { InstructionError } from '../instructions/instruction-error.js';
import type { RunInstruction } from '../instructions/commands-run.js';
import type { ConvertContext, DispatchSite, StageState } from './dispatch-state.js';
import { expanderFor } from './expand.js';
import { cleanPath, joinPath } from './paths.js';

/** A mount whose `input` is still the state it reads (resolved to an index when the exec op is assembled). */
export interface PendingMount {
  readonly mount: Omit<ExecMount, 'input'>;
  /** The filesystem mounted; `undefined` for an empty one (tmpfs, secrets, a new cache). */
  readonly source: VertexInput | undefined;
}

/** The mounts and secret variables of a RUN, and the mounts as parsed (for masking secret env in its name). */
export interface RunMounts {
  readonly mounts: readonly PendingMount[];
  readonly secretEnv: readonly SecretEnv[];
  readonly parsed: readonly RunMount[];
  /** True when an ssh mount is present (RUN then gets SSH_AUTH_SOCK). */
  readonly sshSocket: string | undefined;
}

function basename(p: string): string {
  const parts = p.split('/').filter((x) => x !== '');
  return parts[parts.length - 1] ?? '';
}

/** Converts every `--mount` of `c`; `site.sources[i]` is the state mount `i` names with `from=`. */
export function dispatchRunMounts(ctx: ConvertContext, d: StageState, c: RunInstruction, site: DispatchSite): RunMounts {
  const expand = expanderFor(d, ctx.escapeToken);
  const mounts: PendingMount[] = [];
  const secretEnv: SecretEnv[] = [];
  const parsed: RunMount[] = [];
  let sshIndex = 0;
  let sshSocket: string | undefined;
  c.mounts.forEach((written, i) => {
    let m: RunMount;
    try {
      m = parseRunMount(written.value, expand);
    } catch (error) {
      if (error instanceof InstructionError) throw new InstructionError(error.message, error.part ?? written.range, { cause: error });
      throw error;
    }
    parsed.push(m);
    const workdir = d.dir === '' ? '/' : d.dir;
    const targetOf = (t: string): string => (t.startsWith('/') ? cleanPath(t) : joinPath('/', workdir, t));

    if (m.type === 'secret') {
      const id = m.source ?? m.cacheId ?? (m.target ? basename(m.target) : '');
      if (id === '') throw new InvalidArgumentError('one of source, target required');
      const secret = { id, mode: m.mode ?? 0o400, uid: m.uid ?? 0, gid: m.gid ?? 0, optional: !m.required };
      if (m.env !== undefined) secretEnv.push({ id, name: m.env, optional: !m.required });
      if (m.env === undefined || m.target !== undefined) {
        const dest = m.target ? targetOf(m.target) : `/run/secrets/${basename(id)}`;
        mounts.push({ mount: { dest, output: -1, readonly: true, type: 'secret', secret }, source: undefined });
      }
      return;
    }
    if (m.type === 'ssh') {
      if (m.source !== undefined && m.source !== '') throw new InvalidArgumentError('ssh does not support source');
      const dest = m.target ? targetOf(m.target) : `/run/buildkit/ssh_agent.${sshIndex}`;
      sshIndex++;
      sshSocket ??= dest;
      const ssh = { id: m.cacheId ?? 'default', mode: m.mode ?? 0o600, uid: m.uid ?? 0, gid: m.gid ?? 0, optional: !m.required };
      mounts.push({ mount: { dest, output: -1, readonly: true, type: 'ssh', ssh }, source: undefined });
      return;
    }

    if (m.target === undefined || m.target === '') throw new InvalidArgumentError(`mount type=${m.type} needs a target`);
    const dest = targetOf(m.target);
    if (dest === '/') throw new InvalidArgumentError(`invalid mount target ${JSON.stringify(dest)}`);
    let source: VertexInput | undefined;
    if (m.type === 'tmpfs') source = undefined;
    else if (m.from !== undefined && m.from !== '') source = site.sources[i]?.state;
    else if (m.type === 'bind') source = ctx.contextInput();
    const sourcePath = joinPath('/', m.source ?? '');
    if (m.type === 'bind' && (m.from === undefined || m.from === '')) ctx.ctxPaths.add(sourcePath);
    const selector = m.type !== 'tmpfs' && sourcePath !== '/' ? { selector: sourcePath } : {};
    const base = { dest, output: -1, readonly: m.readOnly, ...selector };
    if (m.type === 'bind') mounts.push({ mount: { ...base, type: 'bind' }, source });
    else if (m.type === 'tmpfs') mounts.push({ mount: { ...base, type: 'tmpfs', tmpfs: { size: m.sizeLimit ?? 0 } }, source });
    else {
      const id = m.cacheId ?? cleanPath(m.target);
      const cache = {
        id: ctx.cacheNamespace === '' ? id : `${ctx.cacheNamespace}/${id}`,
        sharing: m.cacheSharing ?? 'shared',
        ...(m.mode === undefined ? {} : { mode: m.mode }),
        ...(m.uid === undefined ? {} : { uid: m.uid }),
        ...(m.gid === undefined ? {} : { gid: m.gid }),
      };
      mounts.push({ mount: { ...base, type: 'cache', cache }, source });
    }
  });
  return { mounts, secretEnv, parsed, sshSocket };
}
