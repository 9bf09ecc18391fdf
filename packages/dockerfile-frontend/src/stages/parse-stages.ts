/**
 * A Dockerfile's stages (BuildKit's `instructions.Parse` plus the base-name
 * and platform expansion of `dockerfile2llb`): global ARGs before the first
 * FROM, then one stage per FROM with the instructions that follow it.
 */
import { DockerfileSyntaxError, type SourceRange } from '@kiln/errors';
import type { Dockerfile } from '@kiln/dockerfile-syntax';
import { parsePlatform, type Platform } from '@kiln/oci';
import type { ArgInstruction } from '../instructions/commands-arg.js';
import type { FromInstruction } from '../instructions/commands-from.js';
import { locate, parseInstruction, type Command } from '../instructions/instruction.js';
import { expandWord, type ExpandedWord } from './expand.js';

/** One build stage. */
export interface Stage {
  /** Position among the stages, from 0 (what `COPY --from=0` names). */
  readonly index: number;
  /** The lower-cased `AS` name, or `undefined` for an unnamed stage. */
  readonly name: string | undefined;
  /** The FROM instruction that opens the stage. */
  readonly from: FromInstruction;
  /** The base after global-ARG expansion: an image reference, `scratch`, or an earlier stage's name. */
  readonly baseName: ExpandedWord;
  /** `--platform` after expansion and parsed (normalised), or `undefined` when not given. */
  readonly platform: StagePlatform | undefined;
  /** The stage's description from its doc comment (P-14), or empty. */
  readonly docComment: string;
  /** The instructions after FROM, up to the next FROM. */
  readonly commands: readonly Command[];
  /** The FROM line's range (1-based, end inclusive). */
  readonly range: SourceRange;
}

/** A stage's `--platform`: the expanded text and the platform it names. */
export interface StagePlatform extends ExpandedWord {
  readonly platform: Platform;
}

/** Options of {@link parseStages}. */
export interface ParseStagesOptions {
  /** The Dockerfile's name as the user gave it, put on errors. */
  readonly file?: string;
  /** `--build-arg` values. A global ARG given here takes this value and its default is not evaluated. */
  readonly buildArgs?: ReadonlyMap<string, string>;
  /**
   * Predefined global args in scope in FROM before any ARG (the platform args
   * `TARGETPLATFORM`, `BUILDPLATFORM`, ...). Build args and ARG defaults
   * override them.
   */
  readonly builtinArgs?: ReadonlyMap<string, string>;
  /** Completes a one-part `--platform` (`linux`, `arm64`) as containerd does; without it an OS alone is an error. */
  readonly hostPlatform?: Platform;
}

/** The result of {@link parseStages}. */
export interface ParsedStages {
  /** The ARG instructions before the first FROM, as written. */
  readonly metaArgs: readonly ArgInstruction[];
  /** The global scope FROM lines were expanded with: builtins, then each global ARG that has a value. */
  readonly globalArgs: ReadonlyMap<string, string>;
  readonly stages: readonly Stage[];
}

/**
 * Parses every instruction of `dockerfile` and groups them into stages.
 * Throws `DockerfileSyntaxError` (with `file`) for a malformed instruction,
 * an instruction other than ARG before the first FROM (`no build stage in
 * current context`), a base that expands to nothing (`base name (x) should
 * not be blank`), an empty platform (`empty platform value from expression
 * x`), a platform that does not parse (`failed to parse platform x: …`),
 * or a shell expansion error in FROM or a global ARG default. A repeated
 * stage name is not an error, as in BuildKit: the DuplicateStageName check
 * warns about it, and a reference by name finds the first stage of that name.
 */
export function parseStages(dockerfile: Dockerfile, options: ParseStagesOptions = {}): ParsedStages {
  const file = options.file;
  const located = (message: string, ranges: readonly SourceRange[], cause?: unknown): DockerfileSyntaxError =>
    new DockerfileSyntaxError(message, ranges, { ...(file === undefined ? {} : { file }), ...(cause === undefined ? {} : { cause }) });
  const escape = dockerfile.escapeChar;
  const globalArgs = new Map(options.builtinArgs ?? []);
  const buildArgs = options.buildArgs ?? new Map<string, string>();
  const metaArgs: ArgInstruction[] = [];
  const stages: { from: FromInstruction; commands: Command[] }[] = [];

  for (const node of dockerfile.instructions) {
    const typed = parseInstruction(node, file === undefined ? {} : { file });
    if (typed.kind === 'from') {
      stages.push({ from: typed, commands: [] });
      continue;
    }
    const current = stages[stages.length - 1];
    if (current !== undefined) {
      current.commands.push(typed);
      continue;
    }
    if (typed.kind !== 'arg') throw located('no build stage in current context', [typed.range]);
    metaArgs.push(typed);
    for (const arg of typed.args) {
      const given = buildArgs.get(arg.key);
      if (given !== undefined) {
        globalArgs.set(arg.key, given);
      } else if (arg.value !== undefined) {
        const value = arg.value;
        globalArgs.set(arg.key, expandOrThrow(() => expandWord(value, globalArgs, escape).value, node, file));
      }
    }
  }

  return {
    metaArgs,
    globalArgs,
    stages: stages.map(({ from, commands }, index): Stage => {
      const name = from.stageName?.value;
      const baseName = expandOrThrow(() => expandWord(from.baseName.value, globalArgs, escape), from.node, file);
      if (baseName.value === '') {
        throw located(`base name (${from.baseName.value}) should not be blank`, [from.range, from.baseName.range]);
      }
      let platform: StagePlatform | undefined;
      if (from.platform !== undefined) {
        const expression = from.platform.value;
        const expanded = expandOrThrow(() => expandWord(expression, globalArgs, escape), from.node, file);
        if (expanded.value === '') {
          throw located(`empty platform value from expression ${expression}`, [from.range, from.platform.range]);
        }
        try {
          platform = { ...expanded, platform: parsePlatform(expanded.value, options.hostPlatform) };
        } catch (error) {
          const why = error instanceof Error ? error.message : String(error);
          throw located(`failed to parse platform ${expression}: ${why}`, [from.range, from.platform.range], error);
        }
      }
      return { index, name, from, baseName, platform, docComment: from.docComment, commands, range: from.range };
    }),
  };
}

function expandOrThrow<T>(expand: () => T, node: FromInstruction['node'], file: string | undefined): T {
  try {
    return expand();
  } catch (error) {
    const wrapped = locate(error, node, file);
    if (wrapped !== error) throw wrapped;
    throw new DockerfileSyntaxError((error as Error).message, [node.range], {
      cause: error,
      ...(file === undefined ? {} : { file }),
    });
  }
}
