/**
 * What conversion knows while it walks the stages (BuildKit's
 * `dispatchState` and `dispatchOpt`): one {@link StageState} per stage or
 * `--from` image, and one {@link ConvertContext} for the whole build.
 */
import type { SourceRange } from '@kiln/errors';
import type { EscapeToken } from '@kiln/shell';
import type { GraphBuilder, ProxyEnv, SourceLocation, VertexInput } from '@kiln/llb';
import type { Platform } from '@kiln/oci';
import type { EnvList } from './env-list.js';
import type { ImageDraft } from './image-draft.js';
import type { ConvertWarning } from './types.js';

/** An ARG in scope in a stage: its name and value (`undefined` when declared without one). */
export interface ScopedArg {
  readonly key: string;
  readonly value: string | undefined;
}

/** The build state of one stage (or of an image named by `--from`). */
export interface StageState {
  /** The stage's index, or -1 for an image named only by `--from`. */
  readonly index: number;
  /** The name in progress lines (`build`, `stage-2`), or `''` when the file has a single stage. */
  readonly stageName: string;
  /** The filesystem, or `undefined` for an empty one (scratch). */
  state: VertexInput | undefined;
  /** The environment RUN sees and words expand with: image Env, ENV, and ARGs with values. */
  env: EnvList;
  /** The working directory; `''` until set (RUN then runs in `/`). */
  dir: string;
  /** The user RUN runs as; `''` for root. */
  user: string;
  platform: Platform;
  image: ImageDraft;
  /** ARGs declared in this stage and the stages it is built FROM, in order. */
  buildArgs: ScopedArg[];
  /** Progress numbering: `[stage i/total]`. */
  cmdIndex: number;
  cmdTotal: number;
  /** True while an ONBUILD trigger is dispatched (its step names say ONBUILD). */
  cmdIsOnBuild: boolean;
  /** Whether CMD was set in this stage: ENTRYPOINT resets an inherited CMD only otherwise. */
  cmdSet: boolean;
  /** `--no-cache` or this stage in `--no-cache-filter`. */
  readonly ignoreCache: boolean;
  dispatched: boolean;
}

/** What every instruction of the build shares. */
export interface ConvertContext {
  readonly graph: GraphBuilder;
  /** The network of RUN steps that do not say (`kiln build --network`). */
  readonly defaultNetwork: 'sandbox' | 'host' | 'none';
  /** The Dockerfile name on errors and locations. */
  readonly file: string;
  readonly escapeToken: EscapeToken;
  /** `--build-arg` values (SOURCE_DATE_EPOCH normalised). */
  readonly buildArgs: ReadonlyMap<string, string>;
  /** The global scope: predefined args and global ARGs with values. */
  readonly globalArgs: ReadonlyMap<string, string>;
  readonly proxyEnv: ProxyEnv | undefined;
  /** SOURCE_DATE_EPOCH in seconds, when set: file timestamps of COPY and WORKDIR. */
  readonly epoch: number | undefined;
  /** The `created` time of history entries written by this build. */
  readonly created: string | undefined;
  readonly targetPlatform: Platform;
  /** The namespace of cache mount ids (`BUILDKIT_CACHE_MOUNT_NS`), or `''`. */
  readonly cacheNamespace: string;
  /** The build context, added to the graph on first use. */
  contextInput(): VertexInput;
  /** Context paths that COPY, ADD and RUN bind mounts read (absolute, `/` meaning everything). */
  readonly ctxPaths: Set<string>;
  readonly warnings: ConvertWarning[];
}

/** One instruction as it is dispatched: where it is, its stable id, and the states its `--from`s name. */
export interface DispatchSite {
  readonly range: SourceRange;
  readonly stableId: string;
  /** For COPY: `[the --from state]`; for RUN: one entry per `--mount` (undefined when it names no state). */
  readonly sources: readonly (StageState | undefined)[];
}

/** The source locations of a vertex made at `site`. */
export function locationsOf(ctx: ConvertContext, site: DispatchSite): SourceLocation[] {
  return [{ file: ctx.file, ranges: [site.range] }];
}
