/**
 * RUN (BuildKit's `dispatchRun`): an exec over the stage's tree with its
 * environment, working directory and user. Heredocs: a lone `<<EOF` is the
 * script (a `#!` body is written to a file, mounted under `/dev/pipes/` and
 * executed), anything more complex goes to the shell with the bodies appended.
 */
import { InvalidArgumentError } from '@kiln/errors';
import { parseHeredocWord } from '@kiln/dockerfile-syntax';
import type { ExecMeta, ExecMount, VertexInput } from '@kiln/llb';
import { chompHeredocContent } from '../instructions/command-line.js';
import type { RunInstruction } from '../instructions/commands-run.js';
import { withShell } from './dispatch-metadata.js';
import { dispatchRunMounts, type PendingMount } from './dispatch-run-mounts.js';
import { locationsOf, type ConvertContext, type DispatchSite, type ScopedArg, type StageState } from './dispatch-state.js';
import type { EnvList } from './env-list.js';
import { commitToHistory } from './image-draft.js';
import { prefixCommand, processCmdEnv, summarizeHeredoc, uppercaseCmd } from './step-name.js';

/** `|N K=v … cmd`: BuildKit's `runCommandString` for the history line. */
export function runCommandString(args: readonly string[], buildArgs: readonly ScopedArg[], env: EnvList): string {
  const order: string[] = [];
  const values = new Map<string, string>();
  for (const arg of buildArgs) {
    if (!values.has(arg.key)) order.push(arg.key);
    values.set(arg.key, env.get(arg.key) ?? arg.value ?? '');
  }
  const prefix = order.length > 0 ? [`|${order.length}`, ...order.map((k) => `${k}=${values.get(k)!}`)] : [];
  return [...prefix, ...args].join(' ');
}

/** Converts RUN at `site`; `site.sources[i]` is the state mount `i` names with `from=`. */
export function dispatchRun(ctx: ConvertContext, d: StageState, c: RunInstruction, site: DispatchSite): void {
  let args = [...(c.command.args ?? [])];
  let customName = c.code;
  const extra: PendingMount[] = [];
  const files = c.command.files;
  if (files.length > 0) {
    const only = args[0];
    if (args.length !== 1 || only === undefined || !c.command.prependShell) {
      throw new InvalidArgumentError(`parsing produced an invalid run command: [${args.join(' ')}]`);
    }
    const first = files[0]!;
    if (parseHeredocWord(only).kind === 'heredoc') {
      const data = first.chomp ? chompHeredocContent(first.data) : first.data;
      if (d.image.os !== 'windows' && data.startsWith('#!')) {
        const script = ctx.graph.add(
          { type: 'file', actions: [{ input: -1, secondaryInput: -1, output: 0, action: { kind: 'mkfile', path: `/${first.name}`, mode: 0o755, data } }] },
          [],
          { platform: d.platform, metadata: { name: '[internal] preparing inline document' }, locations: locationsOf(ctx, site) },
        );
        extra.push({ mount: { dest: '/dev/pipes/', output: -1, readonly: true, type: 'bind' }, source: script.output() });
        args = [`/dev/pipes/${first.name}`];
      } else {
        args = [data];
      }
      customName += ` (${summarizeHeredoc(first.data)})`;
    } else {
      args = [only + files.map((f) => `\n${f.data}${f.name}`).join('')];
    }
  }
  if (c.command.prependShell) args = withShell(d.image, args);

  const runMounts = dispatchRunMounts(ctx, d, c, site);
  const pending: PendingMount[] = [
    { mount: { dest: '/', output: 0, readonly: false, type: 'bind' }, source: d.state },
    ...extra,
    ...runMounts.mounts,
  ];
  const inputs: VertexInput[] = [];
  const mounts: ExecMount[] = pending.map(({ mount, source }) => {
    let input = -1;
    if (source !== undefined) {
      input = inputs.findIndex((x) => x.digest === source.digest && x.output === source.output);
      if (input < 0) input = inputs.push(source) - 1;
    }
    return { ...mount, input };
  });
  // llb sorts mounts by destination; the root stays first.
  mounts.sort((a, b) => (a.dest === '/' ? -1 : b.dest === '/' ? 1 : a.dest < b.dest ? -1 : a.dest > b.dest ? 1 : 0));

  let env = d.env;
  if (runMounts.sshSocket !== undefined && !env.has('SSH_AUTH_SOCK')) env = env.set('SSH_AUTH_SOCK', runMounts.sshSocket);
  const meta: ExecMeta = {
    args,
    env: env.toArray(),
    cwd: d.dir === '' ? '/' : d.dir,
    user: d.user,
    network: c.network === 'default' ? ctx.defaultNetwork : c.network,
    security: c.security,
    ...(ctx.proxyEnv === undefined ? {} : { proxyEnv: ctx.proxyEnv }),
  };

  let shown = d.env;
  for (const m of runMounts.parsed) if (m.type === 'secret' && m.env !== undefined) shown = shown.set(m.env, '****');
  const name = prefixCommand(d, uppercaseCmd(processCmdEnv(customName, shown.toMap(), ctx.escapeToken, true)));
  d.state = ctx.graph
    .add({ type: 'exec', meta, mounts, secretEnv: runMounts.secretEnv }, inputs, {
      platform: d.platform,
      metadata: { name, ignoreCache: d.ignoreCache, stableId: site.stableId, partLabels: buildArgLabels(d) },
      locations: locationsOf(ctx, site),
    })
    .output(0);
  commitToHistory(d.image, `RUN ${runCommandString(args, d.buildArgs, d.env)}`, true, true, ctx.created);
}

/**
 * Labels for the environment entries a RUN got from build args (ARGs in scope
 * that no ENV of the image sets), so that a cache miss reads
 * `build-arg VERSION changed` rather than `env VERSION changed`.
 */
function buildArgLabels(d: StageState): Record<string, string> {
  const fromEnv = new Set((d.image.config.Env ?? []).map((e) => e.slice(0, e.indexOf('=') < 0 ? e.length : e.indexOf('='))));
  const labels: Record<string, string> = {};
  for (const arg of d.buildArgs) if (arg.value !== undefined && !fromEnv.has(arg.key)) labels[`env ${arg.key}`] = `build-arg ${arg.key}`;
  return labels;
}
