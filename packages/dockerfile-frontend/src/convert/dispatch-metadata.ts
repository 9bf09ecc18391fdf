/**
 * Instructions that change only the image config and the build state, not
 * the filesystem: ENV, LABEL, USER, CMD, ENTRYPOINT, SHELL, HEALTHCHECK,
 * EXPOSE, VOLUME, STOPSIGNAL, MAINTAINER, ONBUILD and ARG. Each writes the
 * history line BuildKit writes, marked `empty_layer`.
 */
import { InvalidArgumentError } from '@kiln/errors';
import { goQuoteList } from '@kiln/dockerfile-syntax';
import { processWord } from '@kiln/shell';
import type { ArgInstruction } from '../instructions/commands-arg.js';
import type { CmdInstruction, EntrypointInstruction, ShellInstruction } from '../instructions/commands-cmd.js';
import { parsePortSpec, type ExposeInstruction } from '../instructions/commands-expose.js';
import type { HealthcheckInstruction } from '../instructions/commands-healthcheck.js';
import type {
  EnvInstruction,
  LabelInstruction,
  MaintainerInstruction,
  StopSignalInstruction,
  UserInstruction,
  VolumeInstruction,
} from '../instructions/commands-metadata.js';
import type { OnbuildInstruction } from '../instructions/commands-onbuild.js';
import type { ConvertContext, StageState } from './dispatch-state.js';
import { addEnv } from './env-list.js';
import { expanderFor, expandWords } from './expand.js';
import { goDuration, goList } from './go-format.js';
import { commitToHistory, type ImageDraft } from './image-draft.js';
import { checkStopSignal } from './signals.js';

/** Args BuildKit never puts into RUN's environment. */
const nonEnvArgs = new Set(['BUILDKIT_SBOM_SCAN_CONTEXT', 'BUILDKIT_SBOM_SCAN_STAGE']);

function commit(ctx: ConvertContext, d: StageState, createdBy: string): void {
  commitToHistory(d.image, createdBy, false, false, ctx.created);
}

/** ENV: every key and value expanded with the environment before the line; the config's Env updated in place. */
export function dispatchEnv(ctx: ConvertContext, d: StageState, c: EnvInstruction): void {
  const expand = expanderFor(d, ctx.escapeToken);
  const pairs = c.env.map((p) => [expand(p.key.value), expand(p.value.value)] as const);
  for (const [key, value] of pairs) {
    d.env = d.env.set(key, value);
    d.image.config.Env = addEnv(d.image.config.Env, key, value);
  }
  commit(ctx, d, `ENV ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`);
}

/** LABEL: keys and values expanded. */
export function dispatchLabel(ctx: ConvertContext, d: StageState, c: LabelInstruction): void {
  const expand = expanderFor(d, ctx.escapeToken);
  const pairs = c.labels.map((p) => [expand(p.key.value), expand(p.value.value)] as const);
  const labels = (d.image.config.Labels ??= {});
  for (const [key, value] of pairs) labels[key] = value;
  commit(ctx, d, `LABEL ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`);
}

/** USER: expanded; RUN runs as it and the config records it. */
export function dispatchUser(ctx: ConvertContext, d: StageState, c: UserInstruction): void {
  const user = expanderFor(d, ctx.escapeToken)(c.user.value);
  d.user = user;
  d.image.config.User = user;
  commit(ctx, d, `USER ${user}`);
}

/** BuildKit's `withShell`: the image's SHELL (default `/bin/sh -c`) and the command as one argument. */
export function withShell(image: ImageDraft, args: readonly string[]): string[] {
  const shell = image.config.Shell !== undefined && image.config.Shell.length > 0 ? image.config.Shell : ['/bin/sh', '-c'];
  return [...shell, args.join(' ')];
}

/** CMD: shell form wrapped with SHELL; ArgsEscaped set as BuildKit does. */
export function dispatchCmd(ctx: ConvertContext, d: StageState, c: CmdInstruction): void {
  const given = c.command.args ?? [];
  const args = c.command.prependShell ? withShell(d.image, given) : [...given];
  d.image.config.Cmd = args;
  d.image.config.ArgsEscaped = true;
  d.cmdSet = true;
  commit(ctx, d, `CMD ${goQuoteList(args)}`);
}

/** ENTRYPOINT: also resets an inherited CMD unless this stage set CMD before it. `ENTRYPOINT []` clears it. */
export function dispatchEntrypoint(ctx: ConvertContext, d: StageState, c: EntrypointInstruction): void {
  const given = c.command.args;
  const args = given === undefined ? [] : c.command.prependShell ? withShell(d.image, given) : [...given];
  if (args.length === 0) delete d.image.config.Entrypoint;
  else d.image.config.Entrypoint = args;
  if (!d.cmdSet) delete d.image.config.Cmd;
  commit(ctx, d, `ENTRYPOINT ${goQuoteList(args)}`);
}

/** SHELL: the shell of later shell-form RUN, CMD and ENTRYPOINT. */
export function dispatchShell(ctx: ConvertContext, d: StageState, c: ShellInstruction): void {
  d.image.config.Shell = [...c.shell];
  commit(ctx, d, `SHELL ${goList(c.shell)}`);
}

/** HEALTHCHECK: durations kept in nanoseconds (zeros left out of the JSON); the history line is Go's `%+v` of the struct. */
export function dispatchHealthcheck(ctx: ConvertContext, d: StageState, c: HealthcheckInstruction): void {
  const h = c.health;
  d.image.config.Healthcheck = {
    Test: [...h.test],
    ...(h.interval ? { Interval: h.interval } : {}),
    ...(h.timeout ? { Timeout: h.timeout } : {}),
    ...(h.startPeriod ? { StartPeriod: h.startPeriod } : {}),
    ...(h.startInterval ? { StartInterval: h.startInterval } : {}),
    ...(h.retries ? { Retries: h.retries } : {}),
  };
  commit(ctx, d, healthcheckHistory(h.test, h.interval, h.timeout, h.startPeriod, h.startInterval, h.retries));
}

/** `HEALTHCHECK {Test:[…] Interval:1s Timeout:10s StartPeriod:3s StartInterval:100ms Retries:5}` (durations in nanoseconds). */
export function healthcheckHistory(
  test: readonly string[],
  interval: number,
  timeout: number,
  startPeriod: number,
  startInterval: number,
  retries: number,
): string {
  return `HEALTHCHECK {Test:${goList(test)} Interval:${goDuration(interval)} Timeout:${goDuration(timeout)} StartPeriod:${goDuration(startPeriod)} StartInterval:${goDuration(startInterval)} Retries:${retries}}`;
}

/** EXPOSE: the words sorted as written (BuildKit sorts at parse time), expanded and split, then reduced to `port/proto`. */
export function dispatchExpose(ctx: ConvertContext, d: StageState, c: ExposeInstruction): void {
  const raw = c.ports.map((p) => p.value).sort();
  const ports = raw.flatMap((word) => expandWords(d, ctx.escapeToken, word)).flatMap((spec) => parsePortSpec(spec));
  const exposed = (d.image.config.ExposedPorts ??= {});
  for (const port of ports) exposed[port] = {};
  commit(ctx, d, `EXPOSE ${goList(ports)}`);
}

/** VOLUME: each path expanded; an empty one is an error. */
export function dispatchVolume(ctx: ConvertContext, d: StageState, c: VolumeInstruction): void {
  const expand = expanderFor(d, ctx.escapeToken);
  const volumes = c.volumes.map((v) => expand(v.value));
  const set = (d.image.config.Volumes ??= {});
  for (const v of volumes) {
    if (v === '') throw new InvalidArgumentError('VOLUME specified can not be an empty string');
    set[v] = {};
  }
  commit(ctx, d, `VOLUME ${goList(volumes)}`);
}

/** STOPSIGNAL: expanded and checked against the Linux signal names. */
export function dispatchStopSignal(ctx: ConvertContext, d: StageState, c: StopSignalInstruction): void {
  const signal = expanderFor(d, ctx.escapeToken)(c.signal.value);
  checkStopSignal(signal);
  d.image.config.StopSignal = signal;
  commit(ctx, d, `STOPSIGNAL ${signal}`);
}

/** MAINTAINER: the image author; never expanded. */
export function dispatchMaintainer(ctx: ConvertContext, d: StageState, c: MaintainerInstruction): void {
  d.image.author = c.maintainer.value;
  commit(ctx, d, `MAINTAINER ${c.maintainer.value}`);
}

/** ONBUILD: the trigger text is stored; no history line. */
export function dispatchOnbuild(d: StageState, c: OnbuildInstruction): void {
  (d.image.config.OnBuild ??= []).push(c.expression);
}

/**
 * ARG in a stage: a `--build-arg` wins; otherwise the default, expanded;
 * a name declared without default takes the global value (a global ARG, or
 * a predefined arg such as TARGETPLATFORM). A value goes into RUN's
 * environment but never into the config.
 */
export function dispatchArg(ctx: ConvertContext, d: StageState, c: ArgInstruction): void {
  const parts: string[] = [];
  for (const arg of c.args) {
    let value: string | undefined;
    if (ctx.buildArgs.has(arg.key)) value = ctx.buildArgs.get(arg.key);
    else if (arg.value !== undefined) value = processWord(arg.value, d.env.toMap(), { escapeToken: ctx.escapeToken }).value;
    else value = ctx.globalArgs.get(arg.key);
    if (value !== undefined && !nonEnvArgs.has(arg.key)) d.env = d.env.set(arg.key, value);
    d.buildArgs.push({ key: arg.key, value });
    parts.push(value === undefined ? arg.key : `${arg.key}=${value}`);
  }
  commit(ctx, d, `ARG ${parts.join(' ')}`);
}
