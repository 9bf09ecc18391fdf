import { ErrorCode } from '@kiln/errors';
import { indexMediaTypes, manifestMediaTypes, MediaType, parseDigest, type Descriptor, type Digest } from '@kiln/oci';
import { digestLike, sha256Of } from './digests.js';
import type { RegistryEndpoint } from './hosts.js';
import { headerValue } from './http/request.js';
import type { RegistryTransport } from './http/transport.js';
import { RegistryError } from './registry-error.js';

/** Manifests and indexes larger than this are refused, as containerd and the distribution spec's guidance do (4 MiB). */
export const maxManifestBytes = 4 * 1024 * 1024;

/** What kiln accepts when it asks for a manifest: OCI and Docker schema 2, manifests and indexes. */
export const manifestAccept = [MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.dockerManifest].join(', ');

/** A manifest or index as the registry sent it: the descriptor that names it, and its exact bytes. */
export interface FetchedManifest {
  readonly descriptor: Descriptor;
  readonly bytes: Uint8Array;
}

/** Media types a manifest fetch may return: single-platform manifests and indexes. */
export const knownManifestTypes: ReadonlySet<string> = new Set([...manifestMediaTypes, ...indexMediaTypes]);

/**
 * GETs `<repository>/manifests/<tagOrDigest>` from one endpoint and checks what
 * came: at most {@link maxManifestBytes} bytes, a known media type, and, when
 * `expected` (the reference's digest) or the `Docker-Content-Digest` header is
 * given, bytes that hash to it.
 *
 * @throws RegistryError with code NotFound (MANIFEST_UNKNOWN), ResourceExhausted
 *   (too large), Unsupported (an unknown or schema 1 media type, named),
 *   DataLoss (digest mismatch), or whatever the registry answered.
 */
export async function fetchManifestFrom(
  transport: RegistryTransport,
  endpoint: RegistryEndpoint,
  repository: string,
  tagOrDigest: string,
  expected: Digest | undefined,
  reference: string,
  scopes: readonly string[],
  signal?: AbortSignal,
): Promise<FetchedManifest> {
  const response = await transport.send({
    endpoint,
    method: 'GET',
    target: `${repository}/manifests/${tagOrDigest}`,
    headers: { accept: manifestAccept },
    scopes,
    signal,
    action: 'resolve',
    reference,
  });
  const length = Number(headerValue(response.headers, 'content-length') ?? Number.NaN);
  if (length > maxManifestBytes) {
    response.body.destroy();
    throw tooLarge(reference, `${length} bytes`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxManifestBytes) {
      response.body.destroy();
      throw tooLarge(reference, `more than ${maxManifestBytes} bytes`);
    }
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  const mediaType = manifestMediaType(headerValue(response.headers, 'content-type'), bytes, reference);
  const headerDigest = headerValue(response.headers, 'docker-content-digest');
  const digest = expected ?? sha256Of(bytes);
  for (const claimed of [expected, headerDigest === undefined ? undefined : safeDigest(headerDigest)]) {
    if (claimed === undefined) continue;
    const actual = digestLike(bytes, claimed);
    if (actual !== claimed) {
      throw new RegistryError(ErrorCode.DataLoss, reference, `resolve ${reference}: the manifest's bytes hash to ${actual}, but ${claimed === expected ? 'the reference names' : 'the registry says'} ${claimed}`);
    }
  }
  return { descriptor: { mediaType, digest, size: bytes.length }, bytes };
}

function tooLarge(reference: string, size: string): RegistryError {
  return new RegistryError(ErrorCode.ResourceExhausted, reference, `resolve ${reference}: the manifest is ${size}, over the ${maxManifestBytes}-byte (4 MiB) limit`);
}

function safeDigest(text: string): Digest | undefined {
  try {
    return parseDigest(text.trim());
  } catch {
    return undefined;
  }
}

/**
 * The media type of a fetched manifest: the Content-Type when it is a known
 * manifest type, else the document's own `mediaType` field when the server
 * sent a generic type (`application/json`, none).
 *
 * @throws RegistryError (Unsupported) naming the media type when it is neither
 *   a manifest nor an index kiln reads, including Docker schema 1.
 */
export function manifestMediaType(contentType: string | undefined, bytes: Uint8Array, reference: string): string {
  const declared = contentType?.split(';')[0]?.trim();
  let candidate = declared;
  if (declared === undefined || declared === '' || declared === 'application/json' || declared === 'text/plain') {
    candidate = documentMediaTypeField(bytes);
  }
  if (candidate !== undefined && knownManifestTypes.has(candidate)) return candidate;
  const said = candidate ?? declared ?? 'none';
  const schema1 = said === MediaType.dockerSchema1Manifest || said === MediaType.dockerSchema1SignedManifest;
  throw new RegistryError(
    ErrorCode.Unsupported,
    reference,
    `resolve ${reference}: unsupported manifest media type ${JSON.stringify(said)}${schema1 ? ' (Docker schema 1 is not supported)' : ''}; expected one of ${[...knownManifestTypes].join(', ')}`,
  );
}

function documentMediaTypeField(bytes: Uint8Array): string | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as { mediaType?: unknown; manifests?: unknown; schemaVersion?: unknown };
    if (typeof parsed.mediaType === 'string') return parsed.mediaType;
    if (parsed.schemaVersion === 1) return MediaType.dockerSchema1Manifest;
    // OCI lets the field be absent; the shape then tells index from manifest.
    return Array.isArray(parsed.manifests) ? MediaType.ociIndex : MediaType.ociManifest;
  } catch {
    return undefined;
  }
}
