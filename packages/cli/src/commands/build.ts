import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { CliExit } from '../cli-exit.js';
import { createBuildDisplay, resolveProgressMode } from '../build/build-display.js';
import { renderCheckResult } from '../build/check-output.js';

/** The options commander collects for `kiln build`, named as docker buildx names them. */
interface BuildFlags {
  file?: string;
  tag: string[];
  buildArg: string[];
  target?: string;
  cache: boolean;
  /** `--no-cache-filter`: commander strips a leading `no-` from every option's name, so it lands here. */
  cacheFilter: string[];
  pull?: boolean;
  progress: string;
  output: string[];
  secret: string[];
  ssh: string[];
  allow: string[];
  network: string;
  label: string[];
  iidfile?: string;
  metadataFile?: string;
  push?: boolean;
  platform?: string;
  jobs?: string;
  /** `--check`: run the build checks only. */
  check?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const collectCsv = (value: string, previous: string[]): string[] => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

/** `KEY=value` → [KEY, value]; a bare `KEY` takes the value from the environment, as docker does. */
function keyValue(entry: string, what: string): [string, string] {
  const eq = entry.indexOf('=');
  if (eq === 0) throw new Error(`invalid ${what} "${entry}": expected KEY=value`);
  return eq < 0 ? [entry, process.env[entry] ?? ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
}

/**
 * How a Dockerfile is named in messages: relative to the working directory
 * when it is below it (clickable, short), else its absolute path; `Dockerfile`
 * for standard input.
 */
function displayName(dockerfile: string): string {
  if (dockerfile === '-') return 'Dockerfile';
  const relative = path.relative(process.cwd(), dockerfile);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? dockerfile : relative;
}

/**
 * `--ssh default|ID[=SOCKET]`, as buildx parses it: an agent socket by id;
 * without a path, the one in SSH_AUTH_SOCK. Key files (buildx also takes
 * them) need an agent kiln does not run, so a path must be a socket.
 */
function parseSsh(spec: string): [string, string] {
  const eq = spec.indexOf('=');
  const id = eq < 0 ? spec : spec.slice(0, eq);
  const paths = eq < 0 ? [] : spec.slice(eq + 1).split(',').filter(Boolean);
  if (id === '') throw new Error(`invalid --ssh "${spec}": expected default or ID[=SOCKET]`);
  const socket = paths[0] ?? process.env.SSH_AUTH_SOCK;
  if (socket === undefined || socket === '') throw new Error(`--ssh ${id}: no socket given and SSH_AUTH_SOCK is not set`);
  if (paths.length > 1) throw new Error(`invalid --ssh "${spec}": give one agent socket per id`);
  let isSocket = false;
  try {
    isSocket = fs.statSync(socket).isSocket();
  } catch {
    throw new Error(`--ssh ${id}: ${socket} does not exist`);
  }
  if (!isSocket) throw new Error(`--ssh ${id}: ${socket} is not an agent socket (key files need an ssh-agent: ssh-add them to one and pass its socket)`);
  return [id, socket];
}

/** `id=x,src=path` / `id=x,env=NAME` / `type=file,…` → a secret source, as buildx parses `--secret`. */
function parseSecret(spec: string): { id: string; src?: string; env?: string } {
  const fields = new Map(spec.split(',').map((f) => {
    const eq = f.indexOf('=');
    return eq < 0 ? [f, ''] : [f.slice(0, eq).trim().toLowerCase(), f.slice(eq + 1)];
  }));
  const id = fields.get('id');
  const src = fields.get('src') ?? fields.get('source');
  const env = fields.get('env');
  if (id === undefined || id === '') throw new Error(`invalid --secret "${spec}": id is required`);
  if (src === undefined && env === undefined) {
    // buildx: with neither, the secret comes from an environment variable named like the id.
    return { id, env: id };
  }
  return { id, ...(src === undefined ? {} : { src }), ...(env === undefined ? {} : { env }) };
}

async function runBuild(contextArg: string, flags: BuildFlags): Promise<void> {
  const { build } = await import('@kiln/builder');
  const mode = resolveProgressMode(flags.progress, process.stderr.isTTY === true);
  const contextDir = path.resolve(contextArg);
  const dockerfile = flags.file === undefined ? path.join(contextDir, 'Dockerfile') : flags.file === '-' ? '-' : path.resolve(flags.file);
  const dockerfileText = fs.readFileSync(dockerfile === '-' ? 0 : dockerfile, 'utf8');
  if (flags.check === true) return runCheck(contextDir, dockerfile, dockerfileText, flags);
  const controller = new AbortController();
  const onSignal = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const run = build({
    contextDir,
    dockerfileName: displayName(dockerfile),
    dockerfileText,
    // Where NAME.dockerignore beside the Dockerfile is looked for.
    ...(dockerfile === '-' ? {} : { dockerfilePath: dockerfile }),
    tags: flags.tag,
    buildArgs: new Map(flags.buildArg.map((a) => keyValue(a, '--build-arg'))),
    labels: new Map(flags.label.map((l) => keyValue(l, '--label'))),
    ...(flags.target === undefined ? {} : { target: flags.target }),
    noCache: !flags.cache,
    noCacheFilter: flags.cacheFilter,
    pull: flags.pull === true,
    outputs: flags.output,
    push: flags.push === true,
    secrets: flags.secret.map(parseSecret),
    ssh: new Map(flags.ssh.map(parseSsh)),
    allow: flags.allow,
    network: flags.network,
    ...(flags.platform === undefined ? {} : { platform: flags.platform }),
    ...(flags.jobs === undefined ? {} : { jobs: Number(flags.jobs) }),
    signal: controller.signal,
  });
  const display = createBuildDisplay({ mode, stderr: process.stderr, stdout: process.stdout, dockerfileText, root: run.root, env: process.env });
  try {
    for await (const event of run.events) display.handle(event);
    const result = await run.result;
    if (flags.iidfile !== undefined) fs.writeFileSync(flags.iidfile, result.imageId ?? '');
    if (flags.metadataFile !== undefined) fs.writeFileSync(flags.metadataFile, `${JSON.stringify(metadataFileJson(result.metadata), null, 2)}\n`);
    display.succeeded(result);
  } catch (error) {
    display.failed(error);
    throw new CliExit(1);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * The `--metadata-file` document as buildx writes it: the exporter response,
 * with values that are JSON documents (`containerimage.descriptor`) written
 * as objects, the rest as strings.
 */
function metadataFileJson(metadata: Readonly<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(metadata).sort()) {
    const value = metadata[key]!;
    out[key] = value.startsWith('{') ? (JSON.parse(value) as unknown) : value;
  }
  return out;
}

/**
 * `kiln build --check`: the build checks alone, printed as `docker build --check` prints them (on
 * stdout); exit 1 when a check set to error fires (`# check=error=true`) or the Dockerfile cannot be built.
 */
async function runCheck(contextDir: string, dockerfile: string, dockerfileText: string, flags: BuildFlags): Promise<void> {
  const { checkBuild } = await import('@kiln/builder');
  const dockerfileName = displayName(dockerfile);
  const result = await checkBuild({
    contextDir,
    dockerfileText,
    dockerfileName,
    ...(dockerfile === '-' ? {} : { dockerfilePath: dockerfile }),
    buildArgs: new Map(flags.buildArg.map((a) => keyValue(a, '--build-arg'))),
    ...(flags.target === undefined ? {} : { target: flags.target }),
  });
  process.stdout.write(renderCheckResult(result, dockerfileName, dockerfileText));
  if (result.error !== undefined) throw new CliExit(1);
}

/** Adds `kiln build`, with docker buildx's flags. */
export function registerBuildCommand(program: Command): void {
  program
    .command('build')
    .description('build an image from a Dockerfile and a context directory')
    .argument('<context>', 'the build context directory')
    .option('-f, --file <path>', 'the Dockerfile (default: CONTEXT/Dockerfile; "-" reads standard input)')
    .option('-t, --tag <name>', 'name the image (repeatable)', collect, [])
    .option('--build-arg <key=value>', 'set a build-time variable (repeatable)', collect, [])
    .option('--target <stage>', 'build this stage (default: the last)')
    .option('--no-cache', 'reuse no cached step')
    .option('--no-cache-filter <stages>', 'do not reuse cached steps of these stages (repeatable, comma-separated)', collectCsv, [])
    .option('--pull', 'resolve base images again, even when they are in the store')
    .option('--progress <mode>', 'auto, plain, tty, rawjson or quiet', 'auto')
    .option('-o, --output <spec>', 'where the result goes: type=oci|local|tar|docker|image,dest=… (repeatable)', collect, [])
    .option('--allow <entitlement>', 'let steps use network.host or security.insecure (repeatable, comma-separated)', collectCsv, [])
    .option('--ssh <spec>', 'an SSH agent socket for RUN --mount=type=ssh: default or ID=SOCKET (repeatable)', collect, [])
    .option('--secret <spec>', 'a secret for RUN --mount=type=secret: id=ID,src=FILE or id=ID,env=VAR (repeatable)', collect, [])
    .option('--network <mode>', 'default network mode of RUN steps: default, none or host', 'default')
    .option('--label <key=value>', 'add an image label (repeatable)', collect, [])
    .option('--iidfile <file>', 'write the image id to this file')
    .option('--metadata-file <file>', 'write the build result metadata (containerimage.digest, …) to this file as JSON')
    .option('--push', 'shorthand for --output=type=registry: push the image to every -t name')
    .option('--platform <platform>', 'the target platform (the host platform only, for now)')
    .option('--jobs <n>', 'how many steps run at once (default: twice the cores, at least 8)')
    .option('--check', 'run the build checks (lint) only and print their findings; exit 1 when a check set to error fires')
    .action(runBuild);
}
