/**
 * The image config while a stage is converted: a mutable copy that each
 * instruction edits, and the history lines BuildKit commits.
 */
import type { Healthcheck, HistoryEntry, ImageConfig, Platform } from '@kiln/oci';

/** BuildKit's comment on the history entries the Dockerfile frontend writes. */
export const historyComment = 'buildkit.dockerfile.v0';

/** The default PATH BuildKit gives a Linux image without one. */
export const defaultPathEnv = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The container config being built; absent fields stay out of the JSON. */
export interface ContainerDraft {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  ArgsEscaped?: boolean;
  Healthcheck?: Healthcheck;
  OnBuild?: string[];
  Shell?: string[];
}

/** An image config being built. */
export interface ImageDraft {
  architecture: string;
  os: string;
  variant?: string;
  osVersion?: string;
  author?: string;
  config: ContainerDraft;
  history: HistoryEntry[];
}

/** BuildKit's `emptyImage`: the config of `FROM scratch`. */
export function emptyImage(platform: Platform): ImageDraft {
  return {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    ...(platform['os.version'] ? { osVersion: platform['os.version'] } : {}),
    config: { WorkingDir: '/', Env: [`PATH=${defaultPathEnv}`] },
    history: [],
  };
}

/** A draft from a base image's config; `created` is dropped (a derived image gets its own). */
export function draftFromConfig(image: ImageConfig): ImageDraft {
  const c = image.config ?? {};
  const config: ContainerDraft = { Env: [...(c.Env ?? [])] };
  if (c.User !== undefined) config.User = c.User;
  if (c.ExposedPorts !== undefined) config.ExposedPorts = { ...c.ExposedPorts };
  if (c.Entrypoint !== undefined) config.Entrypoint = [...c.Entrypoint];
  if (c.Cmd !== undefined) config.Cmd = [...c.Cmd];
  if (c.Volumes !== undefined) config.Volumes = { ...c.Volumes };
  if (c.WorkingDir !== undefined) config.WorkingDir = c.WorkingDir;
  if (c.Labels !== undefined) config.Labels = { ...c.Labels };
  if (c.StopSignal !== undefined) config.StopSignal = c.StopSignal;
  if (c.ArgsEscaped !== undefined) config.ArgsEscaped = c.ArgsEscaped;
  if (c.Healthcheck !== undefined) config.Healthcheck = { ...c.Healthcheck };
  if (c.OnBuild !== undefined) config.OnBuild = [...c.OnBuild];
  if (c.Shell !== undefined) config.Shell = [...c.Shell];
  return {
    architecture: image.architecture,
    os: image.os,
    ...(image.variant ? { variant: image.variant } : {}),
    ...(image['os.version'] ? { osVersion: image['os.version'] } : {}),
    ...(image.author !== undefined ? { author: image.author } : {}),
    config,
    history: [...(image.history ?? [])],
  };
}

/** A deep copy, so a child stage's edits never reach its parent. */
export function cloneDraft(draft: ImageDraft): ImageDraft {
  return draftFromConfig({ ...toImageConfig(draft, undefined), ...(draft.author !== undefined ? { author: draft.author } : {}) });
}

/**
 * BuildKit's `commitToHistory`: one history line. `withLayer` false marks an
 * `empty_layer` entry; `buildkitSuffix` adds ` # buildkit` (steps that made a
 * build-graph vertex: RUN, COPY, ADD).
 */
export function commitToHistory(draft: ImageDraft, createdBy: string, withLayer: boolean, buildkitSuffix: boolean, created: string | undefined): void {
  draft.history.push({
    ...(created === undefined ? {} : { created }),
    created_by: buildkitSuffix ? `${createdBy} # buildkit` : createdBy,
    comment: historyComment,
    ...(withLayer ? {} : { empty_layer: true }),
  });
}

function nonEmpty<T extends object>(value: T | undefined): T | undefined {
  return value !== undefined && Object.keys(value).length > 0 ? value : undefined;
}

/** The finished config: empty fields left out, `rootfs.diff_ids` empty for the exporter to fill. */
export function toImageConfig(draft: ImageDraft, created: string | undefined): ImageConfig {
  const c = draft.config;
  const config = {
    ...(c.User ? { User: c.User } : {}),
    ...(nonEmpty(c.ExposedPorts) ? { ExposedPorts: c.ExposedPorts } : {}),
    ...(c.Env.length > 0 ? { Env: c.Env } : {}),
    ...(c.Entrypoint && c.Entrypoint.length > 0 ? { Entrypoint: c.Entrypoint } : {}),
    ...(c.Cmd && c.Cmd.length > 0 ? { Cmd: c.Cmd } : {}),
    ...(nonEmpty(c.Volumes) ? { Volumes: c.Volumes } : {}),
    ...(c.WorkingDir ? { WorkingDir: c.WorkingDir } : {}),
    ...(nonEmpty(c.Labels) ? { Labels: c.Labels } : {}),
    ...(c.StopSignal ? { StopSignal: c.StopSignal } : {}),
    ...(c.ArgsEscaped ? { ArgsEscaped: true } : {}),
    ...(c.Healthcheck ? { Healthcheck: c.Healthcheck } : {}),
    ...(c.OnBuild && c.OnBuild.length > 0 ? { OnBuild: c.OnBuild } : {}),
    ...(c.Shell && c.Shell.length > 0 ? { Shell: c.Shell } : {}),
  };
  return {
    ...(created === undefined ? {} : { created }),
    ...(draft.author !== undefined ? { author: draft.author } : {}),
    architecture: draft.architecture,
    os: draft.os,
    ...(draft.osVersion ? { 'os.version': draft.osVersion } : {}),
    ...(draft.variant ? { variant: draft.variant } : {}),
    config,
    rootfs: { type: 'layers', diff_ids: [] },
    history: draft.history,
  };
}
