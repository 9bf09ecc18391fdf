import type { Descriptor } from '@kiln/oci';
import type { RegistryEndpoint } from './hosts.js';
import { discardBody } from './http/request.js';
import type { RegistryTransport } from './http/transport.js';
import { maxManifestBytes } from './manifest-fetch.js';
import { ErrorCode } from '@kiln/errors';
import { RegistryError } from './registry-error.js';

/**
 * `PUT <repository>/manifests/<tagOrDigest>` with the manifest's exact bytes
 * and its media type as Content-Type. The blobs it names must be in the
 * repository already (else MANIFEST_BLOB_UNKNOWN).
 *
 * @throws RegistryError naming the reference and the registry's code
 *   (MANIFEST_INVALID, TAG_INVALID, DENIED…); ResourceExhausted for manifests
 *   over 4 MiB, which registries refuse.
 */
export async function putManifest(
  transport: RegistryTransport,
  endpoint: RegistryEndpoint,
  repository: string,
  tagOrDigest: string,
  descriptor: Descriptor,
  bytes: Uint8Array,
  reference: string,
  scopes: readonly string[],
  signal?: AbortSignal,
): Promise<void> {
  if (bytes.length > maxManifestBytes) {
    throw new RegistryError(ErrorCode.ResourceExhausted, reference, `push manifest ${descriptor.digest} to ${reference}: ${bytes.length} bytes is over the 4 MiB limit registries accept`);
  }
  const response = await transport.send({
    endpoint,
    method: 'PUT',
    target: `${repository}/manifests/${tagOrDigest}`,
    headers: { 'content-type': descriptor.mediaType },
    body: () => bytes,
    scopes,
    signal,
    action: `push manifest ${descriptor.digest} to`,
    reference,
  });
  discardBody(response.body);
}
