import { InvalidArgumentError } from '@kiln/errors';
import { formatPlatform, parsePlatform } from '@kiln/oci';
import { splitCsvFields } from './csv-fields.js';
import type { ImageAnnotation, ImageAnnotationKind, ImageExportOptions, LayerCompressionName } from './image-export-options.js';

/** The output types kiln knows (`type=registry` is parsed as `image` with `push=true`, as buildx does). */
export const outputTypes = ['image', 'oci', 'docker', 'local', 'tar'] as const;

/** One of {@link outputTypes}. */
export type OutputType = (typeof outputTypes)[number];

/** Image options an output may carry, beside its names. */
export interface ImageOutputFields {
  /** From `name=` (comma-separated); merged with `-t` names by the caller. */
  readonly names: readonly string[];
  /** What the image is built with: compression, media types, timestamps, annotations. */
  readonly image: ImageExportOptions;
}

/** `type=image`: store the image in kiln's store under its names (and, later, push it). */
export interface ImageOutput extends ImageOutputFields {
  readonly type: 'image';
  /** `push=true` (or `type=registry`): push every name to its registry. */
  readonly push: boolean;
  /** `store=false` leaves the image out of kiln's store (default true). */
  readonly store: boolean;
}

/** `type=oci`: an OCI image layout, as a tar file (default) or a directory (`tar=false`). */
export interface OciOutput extends ImageOutputFields {
  readonly type: 'oci';
  /** A file path, `-` for standard output (tar only), or the layout directory with `tar=false`. */
  readonly dest: string;
  readonly tar: boolean;
}

/** `type=docker`: a `docker load` archive. */
export interface DockerOutput extends ImageOutputFields {
  readonly type: 'docker';
  /** A file path, or `-` for standard output. */
  readonly dest: string;
}

/** `type=local`: the final filesystem copied into a directory. */
export interface LocalOutput {
  readonly type: 'local';
  readonly dest: string;
  /**
   * `mode=delete`: entries already in `dest` that the tree lacks are removed
   * (BuildKit's sync); `copy` (default) overwrites and keeps the rest.
   */
  readonly mode?: 'copy' | 'delete';
  /**
   * `platform-split`: BuildKit writes a multi-platform result into
   * `<os>_<arch>[_<variant>]/` directories (default on for several
   * platforms). kiln's result is one platform, which BuildKit writes at
   * `dest` itself whatever this says; kept so the option round-trips.
   */
  readonly platformSplit?: boolean;
}

/** `type=tar`: the final filesystem as a tar stream. */
export interface TarOutput {
  readonly type: 'tar';
  /** A file path, or `-` for standard output. */
  readonly dest: string;
}

/** A parsed `-o/--output` value. */
export type OutputSpec = ImageOutput | OciOutput | DockerOutput | LocalOutput | TarOutput;

/** True for the outputs that need an image (manifest and config), not only the tree. */
export function isImageOutput(output: OutputSpec): output is ImageOutput | OciOutput | DockerOutput {
  return output.type === 'image' || output.type === 'oci' || output.type === 'docker';
}

const imageKeys = [
  'name', 'compression', 'compression-level', 'force-compression', 'oci-mediatypes', 'rewrite-timestamp',
  'annotation.*', 'annotation-manifest.*', 'annotation-manifest-descriptor.*', 'annotation-index.*', 'annotation-index-descriptor.*',
] as const;
const knownKeys: Readonly<Record<OutputType, readonly string[]>> = {
  image: [...imageKeys, 'push', 'store'],
  oci: ['dest', 'tar', ...imageKeys],
  docker: ['dest', ...imageKeys],
  local: ['dest', 'mode', 'platform-split'],
  tar: ['dest', 'platform-split'],
};

/** `annotation[-kind][[platform]].key`, BuildKit's annotation option key; the key part keeps its case. */
const annotationKey = /^annotation(?:-(manifest|manifest-descriptor|index|index-descriptor))?(?:\[([^\]]+)\])?\.(.+)$/i;

const compressions: readonly LayerCompressionName[] = ['gzip', 'zstd', 'uncompressed'];

/**
 * Parses one `-o/--output` value with buildx's syntax: comma-separated
 * `key=value` fields (quote a field that holds commas: `"name=a,b"`), keys
 * case-insensitive, `type` required; `type=registry` is `type=image,push=true`;
 * a single field not starting with `type=` is a local directory (`-o out`),
 * and `-o -` is a tar of the tree on standard output. Booleans are Go's
 * (`1`, `t`, `T`, `true`, `TRUE`, `True`, and the same for false).
 *
 * @throws InvalidArgumentError quoting the value: a field without `=`, an
 *   unknown type or key (naming the ones known), a missing or misplaced
 *   `dest`, a bad boolean or compression, a malformed quote.
 */
export function parseOutputSpec(text: string): OutputSpec {
  const what = `output ${JSON.stringify(text)}`;
  const fields = splitCsvFields(text, what);
  // buildx's test: one field, unchanged by CSV unquoting, not starting with `type=` (so `-o a=b` is a directory too).
  if (fields.length === 1 && fields[0] === text && !text.startsWith('type=')) {
    if (text === '') throw new InvalidArgumentError('output "": expected a directory, "-" or type=…,dest=…');
    return text === '-' ? { type: 'tar', dest: '-' } : { type: 'local', dest: text };
  }
  const attrs = new Map<string, string>();
  const annotations: ImageAnnotation[] = [];
  for (const field of fields) {
    const eq = field.indexOf('=');
    if (eq === -1) throw new InvalidArgumentError(`${what}: expected key=value, got ${JSON.stringify(field)}`);
    const key = field.slice(0, eq).trim();
    const annotation = annotationKey.exec(key);
    if (annotation !== null) {
      const kind = (annotation[1]?.toLowerCase() ?? 'manifest') as ImageAnnotationKind;
      const platform = annotation[2] === undefined ? undefined : formatPlatform(parsePlatform(annotation[2]));
      annotations.push({ kind, ...(platform === undefined ? {} : { platform }), key: annotation[3]!, value: field.slice(eq + 1) });
    }
    attrs.set(key.toLowerCase(), field.slice(eq + 1));
  }
  let type = attrs.get('type');
  attrs.delete('type');
  if (type === undefined || type === '') throw new InvalidArgumentError(`${what}: type is required (one of ${outputTypes.join(', ')}, registry)`);
  if (type === 'registry') {
    type = 'image';
    if (!attrs.has('push')) attrs.set('push', 'true');
  }
  if (!(outputTypes as readonly string[]).includes(type)) {
    throw new InvalidArgumentError(`${what}: unknown output type ${JSON.stringify(type)} (expected one of ${outputTypes.join(', ')}, registry)`);
  }
  const outputType = type as OutputType;
  for (const key of attrs.keys()) {
    const known = knownKeys[outputType].includes(key) || (annotationKey.test(key) && knownKeys[outputType].includes('annotation.*'));
    if (!known) {
      throw new InvalidArgumentError(`${what}: unknown option ${JSON.stringify(key)} for type=${outputType} (known: ${knownKeys[outputType].join(', ')})`);
    }
  }
  const dest = attrs.get('dest');
  switch (outputType) {
    case 'local': {
      if (dest === '-') throw new InvalidArgumentError(`${what}: type=local writes a directory; use type=tar to write to standard output`);
      const mode = attrs.get('mode');
      if (mode !== undefined && mode !== 'copy' && mode !== 'delete') throw new InvalidArgumentError(`${what}: mode must be copy or delete, got ${JSON.stringify(mode)}`);
      return {
        type: 'local',
        dest: required(dest, what, 'a directory'),
        ...(mode === undefined ? {} : { mode }),
        ...(attrs.has('platform-split') ? { platformSplit: boolean(attrs, 'platform-split', false, what) } : {}),
      };
    }
    case 'tar':
      // platform-split is validated and, for a one-platform result, changes nothing (as in BuildKit).
      if (attrs.has('platform-split')) boolean(attrs, 'platform-split', false, what);
      return { type: 'tar', dest: required(dest, what, 'a file or "-"') };
    case 'image':
      return {
        type: 'image',
        push: boolean(attrs, 'push', false, what),
        store: boolean(attrs, 'store', true, what),
        ...imageFields(attrs, annotations, what),
      };
    case 'oci': {
      const tar = boolean(attrs, 'tar', true, what);
      const target = required(dest, what, tar ? 'a file or "-"' : 'a directory');
      if (!tar && target === '-') throw new InvalidArgumentError(`${what}: tar=false writes a directory, which cannot go to standard output`);
      return { type: 'oci', dest: target, tar, ...imageFields(attrs, annotations, what) };
    }
    case 'docker':
      return { type: 'docker', dest: required(dest, what, 'a file or "-" (kiln has no docker daemon to load into)'), ...imageFields(attrs, annotations, what) };
  }
}

function required(dest: string | undefined, what: string, expected: string): string {
  if (dest === undefined || dest === '') throw new InvalidArgumentError(`${what}: dest is required (${expected})`);
  return dest;
}

function imageFields(attrs: ReadonlyMap<string, string>, annotations: readonly ImageAnnotation[], what: string): ImageOutputFields {
  const names = (attrs.get('name') ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '');
  const compression = attrs.get('compression');
  if (compression !== undefined && !(compressions as readonly string[]).includes(compression)) {
    throw new InvalidArgumentError(`${what}: compression must be one of ${compressions.join(', ')}, got ${JSON.stringify(compression)}`);
  }
  const level = compressionLevel(attrs.get('compression-level'), (compression ?? 'gzip') as LayerCompressionName, what);
  const ociMediaTypes = attrs.has('oci-mediatypes') ? boolean(attrs, 'oci-mediatypes', true, what) : undefined;
  const image: ImageExportOptions = {
    ...(compression !== undefined ? { compression: compression as LayerCompressionName } : {}),
    ...(level !== undefined ? { compressionLevel: level } : {}),
    ...(attrs.has('force-compression') ? { forceCompression: boolean(attrs, 'force-compression', false, what) } : {}),
    ...(ociMediaTypes !== undefined ? { mediaTypes: ociMediaTypes ? 'oci' : 'docker' } : {}),
    ...(attrs.has('rewrite-timestamp') ? { rewriteTimestamp: boolean(attrs, 'rewrite-timestamp', false, what) } : {}),
    ...(annotations.length > 0 ? { annotations } : {}),
  };
  return { names, image };
}

/** BuildKit's ranges: gzip 0–9, zstd 0–22 (0 is zstd's default level); ignored for uncompressed, as BuildKit does. */
function compressionLevel(text: string | undefined, compression: LayerCompressionName, what: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text)) throw new InvalidArgumentError(`${what}: compression-level must be an integer, got ${JSON.stringify(text)}`);
  const level = Number(text);
  const max = compression === 'zstd' ? 22 : 9;
  if (compression === 'uncompressed') return undefined;
  if (level < 0 || level > max) throw new InvalidArgumentError(`${what}: compression-level for ${compression} must be 0 to ${max}, got ${text}`);
  return compression === 'zstd' && level === 0 ? undefined : level;
}

function boolean(attrs: ReadonlyMap<string, string>, key: string, fallback: boolean, what: string): boolean {
  const value = attrs.get(key);
  if (value === undefined) return fallback;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  throw new InvalidArgumentError(`${what}: ${key} must be true or false, got ${JSON.stringify(value)}`);
}
