import { InvalidArgumentError } from '@kiln/errors';
import { splitCsvFields } from './csv-fields.js';
import type { ImageExportOptions, LayerCompressionName } from './image-export-options.js';

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

const imageKeys = ['name', 'compression', 'oci-mediatypes', 'rewrite-timestamp', 'annotation.*', 'annotation-manifest.*'] as const;
const knownKeys: Readonly<Record<OutputType, readonly string[]>> = {
  image: [...imageKeys, 'push', 'store'],
  oci: ['dest', 'tar', ...imageKeys],
  docker: ['dest', ...imageKeys],
  local: ['dest'],
  tar: ['dest'],
};

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
  for (const field of fields) {
    const eq = field.indexOf('=');
    if (eq === -1) throw new InvalidArgumentError(`${what}: expected key=value, got ${JSON.stringify(field)}`);
    attrs.set(field.slice(0, eq).trim().toLowerCase(), field.slice(eq + 1));
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
    const known = knownKeys[outputType].some((k) => (k.endsWith('.*') ? key.startsWith(k.slice(0, -1)) && key.length > k.length - 1 : k === key));
    if (!known) {
      throw new InvalidArgumentError(`${what}: unknown option ${JSON.stringify(key)} for type=${outputType} (known: ${knownKeys[outputType].join(', ')})`);
    }
  }
  const dest = attrs.get('dest');
  switch (outputType) {
    case 'local':
      if (dest === '-') throw new InvalidArgumentError(`${what}: type=local writes a directory; use type=tar to write to standard output`);
      return { type: 'local', dest: required(dest, what, 'a directory') };
    case 'tar':
      return { type: 'tar', dest: required(dest, what, 'a file or "-"') };
    case 'image':
      return {
        type: 'image',
        push: boolean(attrs, 'push', false, what),
        store: boolean(attrs, 'store', true, what),
        ...imageFields(attrs, what),
      };
    case 'oci': {
      const tar = boolean(attrs, 'tar', true, what);
      const target = required(dest, what, tar ? 'a file or "-"' : 'a directory');
      if (!tar && target === '-') throw new InvalidArgumentError(`${what}: tar=false writes a directory, which cannot go to standard output`);
      return { type: 'oci', dest: target, tar, ...imageFields(attrs, what) };
    }
    case 'docker':
      return { type: 'docker', dest: required(dest, what, 'a file or "-" (kiln has no docker daemon to load into)'), ...imageFields(attrs, what) };
  }
}

function required(dest: string | undefined, what: string, expected: string): string {
  if (dest === undefined || dest === '') throw new InvalidArgumentError(`${what}: dest is required (${expected})`);
  return dest;
}

function imageFields(attrs: ReadonlyMap<string, string>, what: string): ImageOutputFields {
  const names = (attrs.get('name') ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '');
  const compression = attrs.get('compression');
  if (compression !== undefined && !(compressions as readonly string[]).includes(compression)) {
    throw new InvalidArgumentError(`${what}: compression must be one of ${compressions.join(', ')}, got ${JSON.stringify(compression)}`);
  }
  const annotations: Record<string, string> = {};
  for (const [key, value] of attrs) {
    const name = key.startsWith('annotation.') ? key.slice('annotation.'.length) : key.startsWith('annotation-manifest.') ? key.slice('annotation-manifest.'.length) : undefined;
    if (name !== undefined) annotations[name] = value;
  }
  const ociMediaTypes = attrs.has('oci-mediatypes') ? boolean(attrs, 'oci-mediatypes', true, what) : undefined;
  const image: ImageExportOptions = {
    ...(compression !== undefined ? { compression: compression as LayerCompressionName } : {}),
    ...(ociMediaTypes !== undefined ? { mediaTypes: ociMediaTypes ? 'oci' : 'docker' } : {}),
    ...(attrs.has('rewrite-timestamp') ? { rewriteTimestamp: boolean(attrs, 'rewrite-timestamp', false, what) } : {}),
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
  return { names, image };
}

function boolean(attrs: ReadonlyMap<string, string>, key: string, fallback: boolean, what: string): boolean {
  const value = attrs.get(key);
  if (value === undefined) return fallback;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  throw new InvalidArgumentError(`${what}: ${key} must be true or false, got ${JSON.stringify(value)}`);
}
