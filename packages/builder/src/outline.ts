import { parseStages, stageGraph } from '@kiln/dockerfile-frontend';
import { parseDockerfile } from '@kiln/dockerfile-syntax';

/** One stage as an outline shows it. */
export interface StageOutline {
  readonly index: number;
  /** The `AS` name (lower-cased), or undefined. */
  readonly name: string | undefined;
  /** What it starts from: `scratch`, `stage <name or index>`, or an image reference. */
  readonly base: string;
  /** The stages it reads, by name (or index when unnamed). */
  readonly dependsOn: readonly string[];
  /** Images it reads besides its base. */
  readonly images: readonly string[];
  /** How many instructions follow its FROM. */
  readonly instructions: number;
  /** Its doc comment (the comment above `FROM … AS name` that starts with the name), or empty. */
  readonly description: string;
  /** Whether a build of the target runs it. */
  readonly needed: boolean;
  /** The FROM line, 1-based. */
  readonly line: number;
}

/** The stages of a Dockerfile and what a build of the target needs. */
export interface DockerfileOutline {
  readonly stages: readonly StageOutline[];
  /** Index of the target stage. */
  readonly target: number;
  /** Global ARGs (before the first FROM) with their defaults, as written. */
  readonly globalArgs: readonly { readonly name: string; readonly defaultValue: string | undefined }[];
}

/** Options of {@link outline}. */
export interface OutlineOptions {
  /** The Dockerfile's name for error messages. */
  readonly file?: string;
  /** The stage to build; default the last. */
  readonly target?: string;
  /** `--build-arg` values, which global ARGs in FROM lines see. */
  readonly buildArgs?: ReadonlyMap<string, string>;
}

/**
 * Parses a Dockerfile into its stages and the graph between them, without
 * building anything (no root, no daemon). Throws DockerfileSyntaxError for a
 * malformed file, an unknown target or a cycle.
 */
export function outline(text: string, options: OutlineOptions = {}): DockerfileOutline {
  const fileOption = options.file === undefined ? {} : { file: options.file };
  const parsed = parseStages(parseDockerfile(text, fileOption), { ...fileOption, ...(options.buildArgs === undefined ? {} : { buildArgs: options.buildArgs }) });
  const graph = stageGraph(parsed, options.target, options.file);
  const label = (i: number): string => graph.nodes[i]!.name ?? String(i);
  return {
    target: graph.target,
    globalArgs: parsed.metaArgs.flatMap((a) => a.args.map((d) => ({ name: d.key, defaultValue: d.value }))),
    stages: graph.nodes.map((n) => {
      const stage = parsed.stages[n.index]!;
      return {
        index: n.index,
        name: n.name,
        base: n.base.kind === 'scratch' ? 'scratch' : n.base.kind === 'stage' ? `stage ${label(n.base.index)}` : n.base.ref,
        dependsOn: n.dependsOn.map(label),
        images: n.images,
        instructions: stage.commands.length,
        description: stage.docComment,
        needed: graph.needed.includes(n.index),
        line: stage.range.start.line,
      };
    }),
  };
}
