import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { CliExit } from '../cli-exit.js';
import { renderLocated } from '../render-error.js';

/** Reads a Dockerfile the way every kiln command does: `-` is standard input. */
export function readDockerfile(file: string): string {
  return readFileSync(file === '-' ? 0 : file, 'utf8');
}

/**
 * `kiln debug parse [--json] FILE`: prints BuildKit's AST dump, or with
 * `--json` the whole syntax tree with source ranges. Every syntax error is
 * printed as `FILE:LINE:COL: message` with the lines around it; then exit 1.
 */
async function debugParse(file: string, options: { json?: boolean }): Promise<void> {
  // The builder is loaded by the command that needs it, so `kiln --help` stays cheap.
  const { dumpDockerfile, parse } = await import('@kiln/builder/syntax');
  const text = readDockerfile(file);
  const { dockerfile, diagnostics } = parse(text, { file });
  for (const d of diagnostics) {
    if (d.severity === 'warning') process.stderr.write(`${renderLocated(`warning: ${d.message}`, d.range, { file, text })}\n`);
  }
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    for (const d of errors) process.stderr.write(`${renderLocated(d.message, d.range, { file, text })}\n`);
    throw new CliExit(1);
  }
  process.stdout.write(options.json === true ? `${JSON.stringify(dockerfile, null, 2)}\n` : dumpDockerfile(dockerfile));
}

/**
 * `kiln debug stages FILE [--target T]`: the stages, what each starts from and
 * reads, and which ones a build of the target runs.
 */
async function debugStages(file: string, options: { target?: string; buildArg?: string[] }): Promise<void> {
  const { outline } = await import('@kiln/builder/syntax');
  const buildArgs = new Map((options.buildArg ?? []).map((kv) => {
    const eq = kv.indexOf('=');
    return eq < 0 ? [kv, process.env[kv] ?? ''] : [kv.slice(0, eq), kv.slice(eq + 1)];
  }));
  const o = outline(readDockerfile(file), { file, buildArgs, ...(options.target === undefined ? {} : { target: options.target }) });
  const out: string[] = [];
  for (const a of o.globalArgs) out.push(`ARG ${a.name}${a.defaultValue === undefined ? '' : `=${a.defaultValue}`}`);
  const width = Math.max(...o.stages.map((s) => (s.name ?? `#${s.index}`).length));
  for (const s of o.stages) {
    const name = (s.name ?? `#${s.index}`).padEnd(width);
    const reads = [...s.dependsOn.map((d) => `stage ${d}`), ...s.images];
    const mark = s.index === o.target ? 'target' : s.needed ? 'needed' : 'skipped';
    out.push(`[${s.index}] ${name}  FROM ${s.base}${reads.length > 0 ? `, reads ${reads.join(', ')}` : ''}  (${s.instructions} instructions, line ${s.line}) ${mark}`);
    if (s.description !== '') out.push(`    ${s.description}`);
  }
  const order = o.stages.filter((s) => s.needed).map((s) => s.name ?? `#${s.index}`);
  out.push(`build order for the target: ${order.join(' -> ')}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

/** Adds `kiln debug …`: tools for looking inside kiln's stages of work. */
export function registerDebugCommands(program: Command): void {
  const debug = program.command('debug').description('look inside kiln: parser output and build graphs');
  debug
    .command('parse')
    .description("parse a Dockerfile and print BuildKit's AST dump (or the AST with source ranges)")
    .argument('<file>', 'the Dockerfile ("-" reads standard input)')
    .option('--json', 'print the syntax tree with 1-based, end-inclusive source ranges as JSON')
    .action(debugParse);
  debug
    .command('stages')
    .description('print the stage graph of a Dockerfile and what a build of the target runs')
    .argument('<file>', 'the Dockerfile ("-" reads standard input)')
    .option('--target <stage>', 'the stage to build (default: the last)')
    .option('--build-arg <key=value...>', 'build-time variables that global ARGs in FROM lines see')
    .action(debugStages);
}
