/**
 * The checks BuildKit makes while it converts a stage's instructions
 * (`dispatch` and the `dispatch*` functions): UndefinedVar on every word it
 * expands, and the rules of ENV, LABEL, ARG, WORKDIR, CMD, ENTRYPOINT,
 * HEALTHCHECK, COPY, ADD and EXPOSE.
 */
import type { SourceRange } from '@kiln/errors';
import type { EscapeToken } from '@kiln/shell';
import { processWord, processWords } from '@kiln/shell';
import { cleanPath, type PatternMatcher } from '@kiln/patterns';
import type { Command } from '../instructions/instruction.js';
import { parseRunMount } from '../instructions/commands-runmount.js';
import type { SourcesAndDest } from '../instructions/commands-copy.js';
import { suggest } from '../instructions/suggest.js';
import { LintStop, stop, type Linter } from './linter.js';
import { lintRules, type LintRule } from './rules.js';
import type { LintStageState } from './dispatch-state.js';

/** ARGs that never reach the environment (BuildKit's `nonEnvArgs`). */
const nonEnvArgs = new Set(['BUILDKIT_SBOM_SCAN_CONTEXT', 'BUILDKIT_SBOM_SCAN_STAGE']);

/** What the walk of one instruction needs besides the stage. */
export interface DispatchContext {
  readonly linter: Linter;
  readonly escapeToken: EscapeToken;
  readonly buildArgs: ReadonlyMap<string, string>;
  readonly globalArgs: ReadonlyMap<string, string>;
  /** `.dockerignore` of the context, when it has patterns and no `!` exception. */
  readonly ignore: PatternMatcher | undefined;
}

const secretWords = /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/i;
const allowedWords = /(?:_|^)(?:public|file|version)(?:_|$)/i;

/** Checks one instruction of a stage and applies what it changes to `state`. Stops at a word that does not expand. */
export function dispatchCommand(ctx: DispatchContext, state: LintStageState, command: Command): void {
  const { linter } = ctx;
  const comments = command.node.comments;
  const at = [command.range];
  const report = <A extends readonly unknown[]>(rule: LintRule<A>, ranges: readonly SourceRange[], ...args: A): void =>
    linter.report(rule, ranges, rule.format(...args), comments);

  const undefinedVars = (unmatched: ReadonlySet<string>): void => {
    const options = [...state.env.keys()];
    for (const name of unmatched) {
      if (state.declaredArgs.includes(name) || nonEnvArgs.has(name)) continue;
      report(lintRules.UndefinedVar, at, name, suggest(name, options, true));
    }
  };
  const expand = (word: string): string => {
    let result;
    try {
      result = processWord(word, state.env, { escapeToken: ctx.escapeToken });
    } catch (error) {
      stop((error as Error).message, at);
    }
    undefinedVars(result.unmatched);
    return result.value;
  };
  // Heredoc bodies of COPY/ADD are file contents: quotes stay, `\` escapes whatever `# escape=` says.
  const expandRaw = (text: string): void => {
    try {
      undefinedVars(processWord(text, state.env, { escapeToken: '\\', skipProcessQuotes: true }).unmatched);
    } catch (error) {
      stop((error as Error).message, at);
    }
  };
  const expandSources = (s: SourcesAndDest): string[] => {
    const paths = s.sourcePaths.map((p) => expand(p.value));
    expand(s.dest.value);
    for (const content of s.sourceContents) if (content.expand) expandRaw(content.data);
    return paths;
  };
  const usedOnce = (kind: 'cmd' | 'entrypoint' | 'healthcheck'): void => {
    const previous = state.lastUse.get(kind);
    if (previous !== undefined) report(lintRules.MultipleInstructionsDisallowed, previous, command.node.keyword);
    state.lastUse.set(kind, at);
  };
  const secretKey = (instruction: 'ARG' | 'ENV', key: string): void => {
    if (secretWords.test(key) && !allowedWords.test(key)) report(lintRules.SecretsUsedInArgOrEnv, at, instruction, key);
  };

  switch (command.kind) {
    case 'env': {
      // Every word is expanded before any pair is set: `ENV a=1 b=$a` reads the old `a`.
      const pairs = command.env.map((p) => ({ key: expand(p.key.value), value: expand(p.value.value), legacy: p.noDelimiter }));
      for (const p of pairs) {
        if (p.legacy) report(lintRules.LegacyKeyValueFormat, at, command.node.keyword);
        secretKey('ENV', p.key);
        state.env.set(p.key, p.value);
      }
      return;
    }
    case 'label':
      for (const p of command.labels) {
        expand(p.key.value);
        expand(p.value.value);
      }
      for (const p of command.labels) if (p.noDelimiter) report(lintRules.LegacyKeyValueFormat, at, command.node.keyword);
      return;
    case 'arg':
      for (const d of command.args) {
        secretKey('ARG', d.key);
        let value = ctx.buildArgs.get(d.key);
        if (value === undefined && d.value === undefined) value = ctx.globalArgs.get(d.key);
        else if (value === undefined && d.value !== undefined) value = expand(d.value);
        if (value !== undefined && !nonEnvArgs.has(d.key)) state.env.set(d.key, value);
        state.declaredArgs.push(d.key);
      }
      return;
    case 'copy':
    case 'add': {
      expand(command.chown);
      expand(command.chmod);
      if (command.kind === 'add') expand(command.checksum);
      const paths = expandSources(command.sources);
      if (command.kind === 'copy' && command.from !== '') return;
      for (const p of paths) ignoredSource(ctx, command.kind === 'add' ? 'Add' : 'Copy', p, at, comments);
      return;
    }
    case 'workdir': {
      const path = expand(command.path.value);
      // Only the first WORKDIR of a stage chain counts: fixing it fixes the relative ones after it.
      if (!state.workdirSet && !isAbsolute(path, state.platform.os)) report(lintRules.WorkdirRelativePath, at, path);
      state.workdirSet = true;
      return;
    }
    case 'user':
      expand(command.user.value);
      return;
    case 'volume':
      for (const v of command.volumes) expand(v.value);
      return;
    case 'stopsignal':
      expand(command.signal.value);
      return;
    case 'run':
      for (const m of command.mounts) {
        try {
          parseRunMount(m.value, expand);
        } catch (error) {
          // A malformed mount is the conversion's error to report; an expansion error is ours.
          if (error instanceof LintStop) throw error;
        }
      }
      return;
    case 'cmd':
    case 'entrypoint':
      usedOnce(command.kind);
      if (command.command.prependShell && !state.shellSet) report(lintRules.JSONArgsRecommended, at, command.node.keyword);
      return;
    case 'healthcheck':
      usedOnce('healthcheck');
      return;
    case 'shell':
      state.shellSet = command.shell.length > 0;
      return;
    case 'expose':
      for (const word of command.ports) {
        let ports: string[];
        try {
          ports = processWords(word.value, state.env, { escapeToken: ctx.escapeToken }).words;
        } catch (error) {
          stop((error as Error).message, at);
        }
        for (const port of ports) exposeChecks(port, (rule) => report(rule, at, port));
      }
      return;
    case 'maintainer':
    case 'onbuild':
      return;
  }
}

function isAbsolute(path: string, os: string): boolean {
  if (os === 'windows') return /^([A-Za-z]:)?[\\/]/.test(path);
  return path.startsWith('/');
}

/** go-connections' `splitParts`: `[ip:][hostPort:]containerPort`, an IPv6 address keeping its colons. */
function splitPort(spec: string): { ip: string; hostPort: string; containerPort: string } {
  const parts = spec.split(':');
  if (parts.length === 1) return { ip: '', hostPort: '', containerPort: parts[0]! };
  if (parts.length === 2) return { ip: '', hostPort: parts[0]!, containerPort: parts[1]! };
  const n = parts.length;
  return { ip: parts.slice(0, n - 2).join(':'), hostPort: parts[n - 2]!, containerPort: parts[n - 1]! };
}

/** ExposeInvalidFormat for an address or host port, ExposeProtoCasing for a protocol not in lower case. */
function exposeChecks(port: string, report: (rule: typeof lintRules.ExposeInvalidFormat | typeof lintRules.ExposeProtoCasing) => void): void {
  const { ip, hostPort, containerPort } = splitPort(port);
  if (ip !== '' || hostPort !== '') report(lintRules.ExposeInvalidFormat);
  const slash = containerPort.indexOf('/');
  const proto = slash < 0 ? '' : containerPort.slice(slash + 1);
  if (proto !== proto.toLowerCase()) report(lintRules.ExposeProtoCasing);
}

/** Sources a URL names are not read from the context. */
const remoteSource = /^(?:https?:\/\/|git@|git:\/\/)/;

/**
 * CopyIgnoredFile for one source of the build context. `.` and `/` are the
 * context's root: they warn only when a pattern ignores every entry of it
 * (`*`, `**` or `**` followed by `/*`).
 */
function ignoredSource(ctx: DispatchContext, command: 'Copy' | 'Add', source: string, at: readonly SourceRange[], comments: Command['node']['comments']): void {
  const ignore = ctx.ignore;
  if (ignore === undefined || remoteSource.test(source)) return;
  const path = cleanPath(source);
  if (path === '.' || path === '/') {
    if (!ignore.patterns.some((p) => !p.exclusion && (p.pattern === '*' || p.pattern === '**' || p.pattern === '**/*'))) return;
  }
  let matched = false;
  try {
    matched = ignore.matchesOrParentMatches(path);
  } catch {
    return;
  }
  if (matched) ctx.linter.report(lintRules.CopyIgnoredFile, at, lintRules.CopyIgnoredFile.format(command, path), comments);
}
