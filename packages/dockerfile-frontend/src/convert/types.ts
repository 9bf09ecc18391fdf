/** The inputs and outputs of {@link convertDockerfile}. */
import type { SourceRange } from '@kiln/errors';
import type { Definition } from '@kiln/llb';
import type { Digest, ImageConfig, Platform } from '@kiln/oci';

/** What {@link ConvertOptions.resolveImage} returns for an image reference. */
export interface ResolvedImage {
  /** The fully normalised reference with its digest: `docker.io/library/busybox:latest@sha256:…`. */
  readonly ref: string;
  /** The digest of the manifest chosen for the platform. */
  readonly digest: Digest;
  /** The image's config (its Env, WorkingDir, User, OnBuild … and history). */
  readonly config: ImageConfig;
}

/** Options of {@link convertDockerfile}. */
export interface ConvertOptions {
  /** The Dockerfile's name as the user gave it (default `Dockerfile`); on errors, stable ids and source locations. */
  readonly file?: string;
  /** The stage to build (name, case-insensitive); default the last stage. */
  readonly target?: string;
  /** `--build-arg` values. */
  readonly buildArgs?: ReadonlyMap<string, string>;
  readonly targetPlatform: Platform;
  readonly buildPlatform: Platform;
  /**
   * Resolves a normalised reference (`docker.io/library/busybox:latest`) for
   * a platform: kiln's image store first, then the registry (`--pull`: the
   * registry again). Called once per reference and platform a build reaches;
   * never for stages the target does not need.
   */
  resolveImage(ref: string, platform: Platform): Promise<ResolvedImage>;
  /** `--network` of the build: the network of RUN steps without `--network` (default `sandbox`, an isolated one). */
  readonly network?: 'sandbox' | 'host' | 'none';
  /** `--no-cache`: every RUN, COPY and ADD ignores the cache. */
  readonly noCache?: boolean;
  /** `--no-cache-filter`: stage names (case-insensitive) whose steps ignore the cache. */
  readonly noCacheFilter?: readonly string[];
  /** `--label`: labels added to the final image only. */
  readonly labels?: ReadonlyMap<string, string>;
  /** The build context's name in `local://NAME` (default `context`). */
  readonly contextName?: string;
  /** `.dockerignore` patterns, passed to the context source. */
  readonly ignorePatterns?: readonly string[];
  /** SOURCE_DATE_EPOCH in **seconds** when not given as a build-arg or global ARG. */
  readonly sourceDateEpoch?: number;
}

/** A note about the conversion that is not an error. */
export interface ConvertWarning {
  readonly message: string;
  /** Where in the Dockerfile (1-based, end inclusive), when it concerns a line. */
  readonly range?: SourceRange;
}

/** What {@link convertDockerfile} returns. */
export interface ConvertResult {
  /** The build graph of the target; `root` undefined for an empty filesystem. */
  readonly definition: Definition;
  /**
   * The image config as BuildKit writes it, with `rootfs.diff_ids` EMPTY (the
   * exporter fills them from the root's layers) and history entries whose
   * `empty_layer` marks the steps that made no layer (base image history first).
   */
  readonly image: ImageConfig;
  /** The stage built: its index (from 0) and name. */
  readonly target: { readonly index: number; readonly name?: string };
  readonly warnings: readonly ConvertWarning[];
  /**
   * SOURCE_DATE_EPOCH in seconds as the build resolved it (from the option, a
   * build-arg or the Dockerfile's own global ARG), for the exporter to clamp
   * times with; absent when there is none.
   */
  readonly sourceDateEpoch?: number;
}
