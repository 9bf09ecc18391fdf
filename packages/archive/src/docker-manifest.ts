import { InvalidArgumentError } from '@kiln/errors';

/**
 * One image of a `docker save` archive's `manifest.json`: member paths of its
 * config and layers (base first), and its tags in docker's familiar form
 * (`busybox:latest`). Field names are docker's.
 */
export interface DockerManifestItem {
  readonly Config: string;
  /** May be null or absent in archives of untagged images. */
  readonly RepoTags: readonly string[] | null;
  readonly Layers: readonly string[];
}

/**
 * Parses `manifest.json`, keeping the fields a load needs.
 *
 * @throws InvalidArgumentError naming the field and quoting the value when malformed.
 */
export function parseDockerManifest(text: string): DockerManifestItem[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new InvalidArgumentError(`manifest.json is not JSON: ${JSON.stringify(text.slice(0, 80))}`, { cause });
  }
  if (!Array.isArray(value)) throw new InvalidArgumentError(`manifest.json: expected an array of images, got ${JSON.stringify(value)?.slice(0, 80)}`);
  return value.map((item: unknown, i) => {
    const where = `manifest.json[${i}]`;
    if (typeof item !== 'object' || item === null) throw new InvalidArgumentError(`${where}: expected an object, got ${JSON.stringify(item)}`);
    const o = item as Record<string, unknown>;
    if (typeof o.Config !== 'string') throw new InvalidArgumentError(`${where}.Config: expected a path, got ${JSON.stringify(o.Config)}`);
    const strings = (v: unknown, field: string): string[] => {
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw new InvalidArgumentError(`${where}.${field}: expected an array of strings, got ${JSON.stringify(v)}`);
      return v as string[];
    };
    return {
      Config: o.Config,
      RepoTags: o.RepoTags === null || o.RepoTags === undefined ? null : strings(o.RepoTags, 'RepoTags'),
      Layers: strings(o.Layers ?? [], 'Layers'),
    };
  });
}

/** `manifest.json` text for `items`, compact, in docker's field order. */
export function serializeDockerManifest(items: readonly DockerManifestItem[]): string {
  return JSON.stringify(items.map((i) => ({ Config: i.Config, RepoTags: i.RepoTags, Layers: i.Layers })));
}
