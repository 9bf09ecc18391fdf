import { InvalidArgumentError } from '@kiln/errors';
import { parseDigest, type Digest } from './digest.js';
import { goJson, omitEmpty, sortedRecord } from './go-json.js';
import {
  asObject, asString, optArray, optBoolean, optEmptyObjectSet, optInteger, optString, optStringArray, optStringMap,
  parseJsonText, quote,
} from './json-shape.js';
import { platformJson } from './descriptor.js';

/**
 * A container healthcheck (Docker's extension of the OCI config). Durations
 * are in **nanoseconds**, as Docker writes them.
 */
export interface Healthcheck {
  /** `["NONE"]`, `["CMD", args…]` or `["CMD-SHELL", command]`. */
  readonly Test?: readonly string[];
  readonly Interval?: number;
  readonly Timeout?: number;
  readonly StartPeriod?: number;
  readonly StartInterval?: number;
  readonly Retries?: number;
}

/** The runtime defaults of an image: the `config` object of an image config. */
export interface ContainerConfig {
  readonly User?: string;
  /** Keys are `port/proto` (`80/tcp`); values are always `{}`. */
  readonly ExposedPorts?: Readonly<Record<string, Record<string, never>>>;
  /** `KEY=value` entries in order. */
  readonly Env?: readonly string[];
  readonly Entrypoint?: readonly string[];
  readonly Cmd?: readonly string[];
  /** Keys are container paths; values are always `{}`. */
  readonly Volumes?: Readonly<Record<string, Record<string, never>>>;
  readonly WorkingDir?: string;
  readonly Labels?: Readonly<Record<string, string>>;
  readonly StopSignal?: string;
  readonly ArgsEscaped?: boolean;
  readonly Healthcheck?: Healthcheck;
  readonly OnBuild?: readonly string[];
  readonly Shell?: readonly string[];
}

/** One entry of an image's history; `empty_layer` entries have no layer in `rootfs`. */
export interface HistoryEntry {
  /** RFC 3339 time. */
  readonly created?: string;
  readonly created_by?: string;
  readonly author?: string;
  readonly comment?: string;
  readonly empty_layer?: boolean;
}

/**
 * An OCI image config (also Docker's `container.image.v1`, the same JSON).
 * `rootfs.diff_ids` are the digests of the *uncompressed* layers, base first.
 */
export interface ImageConfig {
  /** RFC 3339 time. */
  readonly created?: string;
  readonly author?: string;
  readonly architecture: string;
  readonly os: string;
  readonly 'os.version'?: string;
  readonly 'os.features'?: readonly string[];
  readonly variant?: string;
  readonly config?: ContainerConfig;
  readonly rootfs: { readonly type: 'layers'; readonly diff_ids: readonly Digest[] };
  readonly history?: readonly HistoryEntry[];
}

function decodeHealthcheck(value: unknown, path: string): Healthcheck | undefined {
  if (value === undefined || value === null) return undefined;
  const o = asObject(value, path);
  return omitEmpty({
    Test: optStringArray(o.Test, `${path}.Test`),
    Interval: optInteger(o.Interval, `${path}.Interval`),
    Timeout: optInteger(o.Timeout, `${path}.Timeout`),
    StartPeriod: optInteger(o.StartPeriod, `${path}.StartPeriod`),
    StartInterval: optInteger(o.StartInterval, `${path}.StartInterval`),
    Retries: optInteger(o.Retries, `${path}.Retries`),
  }) as Healthcheck;
}

function decodeContainerConfig(value: unknown, path: string): ContainerConfig | undefined {
  if (value === undefined || value === null) return undefined;
  const o = asObject(value, path);
  return omitEmpty({
    User: optString(o.User, `${path}.User`),
    ExposedPorts: optEmptyObjectSet(o.ExposedPorts, `${path}.ExposedPorts`),
    Env: optStringArray(o.Env, `${path}.Env`),
    Entrypoint: optStringArray(o.Entrypoint, `${path}.Entrypoint`),
    Cmd: optStringArray(o.Cmd, `${path}.Cmd`),
    Volumes: optEmptyObjectSet(o.Volumes, `${path}.Volumes`),
    WorkingDir: optString(o.WorkingDir, `${path}.WorkingDir`),
    Labels: optStringMap(o.Labels, `${path}.Labels`),
    StopSignal: optString(o.StopSignal, `${path}.StopSignal`),
    ArgsEscaped: optBoolean(o.ArgsEscaped, `${path}.ArgsEscaped`),
    Healthcheck: decodeHealthcheck(o.Healthcheck, `${path}.Healthcheck`),
    OnBuild: optStringArray(o.OnBuild, `${path}.OnBuild`),
    Shell: optStringArray(o.Shell, `${path}.Shell`),
  }) as ContainerConfig;
}

function decodeHistory(value: unknown, path: string): HistoryEntry {
  const o = asObject(value, path);
  return omitEmpty({
    created: optString(o.created, `${path}.created`),
    created_by: optString(o.created_by, `${path}.created_by`),
    author: optString(o.author, `${path}.author`),
    comment: optString(o.comment, `${path}.comment`),
    empty_layer: optBoolean(o.empty_layer, `${path}.empty_layer`),
  }) as HistoryEntry;
}

/**
 * Validates a decoded JSON value as an image config. Fields kiln does not
 * model (Docker's `container`, `container_config`, `docker_version`) are
 * dropped.
 *
 * @throws InvalidArgumentError naming the field and quoting the value; also
 *   when `rootfs.type` is not `layers`, or the number of non-empty history
 *   entries disagrees with `rootfs.diff_ids` (when history is present).
 */
export function decodeImageConfig(value: unknown): ImageConfig {
  const o = asObject(value, 'config');
  const rootfs = asObject(o.rootfs, 'config.rootfs');
  if (rootfs.type !== 'layers') throw new InvalidArgumentError(`config.rootfs.type: expected "layers", got ${quote(rootfs.type)}`);
  const diffIds = (optArray(rootfs.diff_ids, 'config.rootfs.diff_ids', (item, path) => asString(item, path)) ?? []).map((d) =>
    parseDigest(d),
  );
  const history = optArray(o.history, 'config.history', decodeHistory);
  if (history !== undefined && history.length > 0) {
    const withLayers = history.filter((h) => h.empty_layer !== true).length;
    if (withLayers !== diffIds.length) {
      throw new InvalidArgumentError(
        `config.history: ${withLayers} entries have layers but rootfs.diff_ids lists ${diffIds.length} layers`,
      );
    }
  }
  const osFeatures = optStringArray(o['os.features'], 'config["os.features"]');
  return {
    ...omitEmpty({ created: optString(o.created, 'config.created'), author: optString(o.author, 'config.author') }),
    architecture: asString(o.architecture, 'config.architecture'),
    os: asString(o.os, 'config.os'),
    ...omitEmpty({
      'os.version': optString(o['os.version'], 'config["os.version"]'),
      'os.features': osFeatures,
      variant: optString(o.variant, 'config.variant'),
      config: decodeContainerConfig(o.config, 'config.config'),
    }),
    rootfs: { type: 'layers', diff_ids: diffIds },
    ...omitEmpty({ history }),
  } as ImageConfig;
}

/** Parses image config JSON text; see {@link decodeImageConfig}. */
export function parseImageConfig(text: string): ImageConfig {
  return decodeImageConfig(parseJsonText(text, 'config'));
}

function containerConfigJson(c: ContainerConfig): Record<string, unknown> {
  return omitEmpty({
    User: c.User,
    ExposedPorts: sortedRecord(c.ExposedPorts),
    Env: c.Env,
    Entrypoint: c.Entrypoint,
    Cmd: c.Cmd,
    Volumes: sortedRecord(c.Volumes),
    WorkingDir: c.WorkingDir,
    Labels: sortedRecord(c.Labels),
    StopSignal: c.StopSignal,
    ArgsEscaped: c.ArgsEscaped,
    Healthcheck: c.Healthcheck === undefined ? undefined : omitEmpty({ ...c.Healthcheck }),
    OnBuild: c.OnBuild,
    Shell: c.Shell,
  });
}

/**
 * Canonical JSON of an image config in Go's field order with map keys sorted.
 * Config JSON is the same for OCI and Docker; only the descriptor's media type
 * differs. `indent` is spaces per level (0 = compact, the default).
 */
export function serializeImageConfig(config: ImageConfig, options: { readonly indent?: number } = {}): string {
  const json = {
    ...omitEmpty({ created: config.created, author: config.author }),
    ...platformJson(config),
    // Go never omits a struct field, so `config` is written even when empty, as BuildKit does.
    config: containerConfigJson(config.config ?? {}),
    rootfs: { type: 'layers', diff_ids: config.rootfs.diff_ids },
    ...(config.history && config.history.length > 0
      ? { history: config.history.map((h) => omitEmpty({ created: h.created, created_by: h.created_by, author: h.author, comment: h.comment, empty_layer: h.empty_layer })) }
      : {}),
  };
  return goJson(json, options.indent ?? 0);
}
