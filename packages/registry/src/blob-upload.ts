import { Readable } from 'node:stream';
import { ErrorCode } from '@kiln/errors';
import type { Descriptor, Digest } from '@kiln/oci';
import type { RegistryEndpoint } from './hosts.js';
import { discardBody, headerValue, type HttpResponse } from './http/request.js';
import { isRetryableNetworkError, retryDelay, sleep } from './http/retry.js';
import { throwIfAborted, type RegistryTransport } from './http/transport.js';
import type { ProgressListener } from './progress.js';
import { RegistryError } from './registry-error.js';

/** Opens the blob's bytes from byte `start` (0-based) to the end. */
export type BlobOpener = (start: number) => Promise<AsyncIterable<Uint8Array>>;

/** The common part of blob push requests. */
export interface BlobPushTarget {
  readonly transport: RegistryTransport;
  readonly endpoint: RegistryEndpoint;
  readonly repository: string;
  readonly reference: string;
  readonly scopes: readonly string[];
  readonly signal?: AbortSignal | undefined;
}

/**
 * HEAD `<repository>/blobs/<digest>`: true when the registry has the blob in
 * that repository, false on 404.
 * @throws RegistryError for other refusals (401, 403…).
 */
export async function blobExistsAt(target: BlobPushTarget, digest: Digest): Promise<boolean> {
  const response = await target.transport.send({
    endpoint: target.endpoint,
    method: 'HEAD',
    target: `${target.repository}/blobs/${digest}`,
    scopes: target.scopes,
    signal: target.signal,
    expectedStatuses: [404],
    action: `check blob ${digest} in`,
    reference: target.reference,
  });
  discardBody(response.body);
  return response.status === 200;
}

/** The outcome of a mount attempt: mounted, or an upload session the registry opened instead. */
export type MountResult = { readonly mounted: true } | { readonly mounted: false; readonly location: URL };

/**
 * Asks the registry to link blob `digest` from repository `from` (same
 * registry) into the target repository, without sending bytes: `POST
 * blobs/uploads/?mount=<digest>&from=<from>`. 201 means mounted; 202 means the
 * registry could not (unknown blob, no pull right on `from`) and opened an
 * upload session, returned for the caller to use. Needs `pull` on `from` in
 * the token scopes.
 */
export async function mountBlobAt(target: BlobPushTarget, digest: Digest, from: string): Promise<MountResult> {
  const query = new URLSearchParams({ mount: digest, from });
  const response = await target.transport.send({
    endpoint: target.endpoint,
    method: 'POST',
    target: `${target.repository}/blobs/uploads/?${query}`,
    headers: { 'content-length': '0' },
    scopes: target.scopes,
    signal: target.signal,
    action: `mount blob ${digest} from ${from} into`,
    reference: target.reference,
  });
  discardBody(response.body);
  if (response.status === 201) return { mounted: true };
  return { mounted: false, location: uploadLocation(response, target.reference) };
}

/** Opens an upload session: `POST blobs/uploads/` → the session URL (and the registry's minimum chunk size, if it states one). */
export async function startUpload(target: BlobPushTarget): Promise<{ location: URL; minChunk: number }> {
  const response = await target.transport.send({
    endpoint: target.endpoint,
    method: 'POST',
    target: `${target.repository}/blobs/uploads/`,
    headers: { 'content-length': '0' },
    scopes: target.scopes,
    signal: target.signal,
    action: 'start a blob upload to',
    reference: target.reference,
  });
  discardBody(response.body);
  return { location: uploadLocation(response, target.reference), minChunk: Number(headerValue(response.headers, 'oci-chunk-min-length') ?? 0) || 0 };
}

function uploadLocation(response: HttpResponse, reference: string): URL {
  const location = headerValue(response.headers, 'location');
  if (location === undefined) {
    throw new RegistryError(ErrorCode.Internal, reference, `upload to ${reference}: the registry answered ${response.status} without a Location header`);
  }
  return new URL(location, response.url);
}

function withDigest(location: URL, digest: Digest): URL {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  return url;
}

/** Options of {@link uploadBlob}. */
export interface BlobUploadOptions {
  /** Send the blob in PATCH chunks of this many bytes; undefined or 0 for one monolithic PUT. */
  readonly chunkSize?: number | undefined;
  /** An upload session already open (from a failed mount). */
  readonly location?: URL | undefined;
  readonly onProgress?: ProgressListener | undefined;
}

/**
 * Uploads one blob. Monolithic (default): one `PUT <session>?digest=` carrying
 * the whole body with its Content-Length. Chunked (`chunkSize`): `PATCH`es with
 * `Content-Range: <start>-<end>` (0-based, end inclusive), then an empty
 * `PUT ?digest=`; a chunk that breaks off is resumed from the offset the
 * registry reports for the session (`GET <session>` → `Range: 0-<last>`).
 * A monolithic upload that breaks off is retried in a new session. The
 * registry checks the digest; a mismatch comes back as DIGEST_INVALID.
 *
 * @throws RegistryError naming the reference and the registry's code.
 */
export async function uploadBlob(target: BlobPushTarget, descriptor: Descriptor, open: BlobOpener, options: BlobUploadOptions = {}): Promise<void> {
  const emit = (status: 'started' | 'progress' | 'retrying' | 'done', current: number): void =>
    options.onProgress?.({ direction: 'push', reference: target.reference, descriptor, status, current, total: descriptor.size });
  const policy = target.transport.retryPolicy;
  let location = options.location;
  emit('started', 0);
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(target.signal);
    try {
      const session = location === undefined ? await startUpload(target) : { location, minChunk: 0 };
      location = undefined;
      const chunkSize = options.chunkSize === undefined || options.chunkSize <= 0 ? 0 : Math.max(options.chunkSize, session.minChunk);
      if (chunkSize === 0 || descriptor.size <= chunkSize) await putMonolithic(target, descriptor, session.location, open, emit);
      else await putChunked(target, descriptor, session.location, open, chunkSize, emit);
      emit('done', descriptor.size);
      return;
    } catch (error) {
      throwIfAborted(target.signal, error);
      const retryable = isRetryableNetworkError(error) || (error instanceof RegistryError && error.code === ErrorCode.Unavailable);
      if (!retryable || attempt >= policy.attempts) throw error;
      emit('retrying', 0);
      await sleep(retryDelay(policy, attempt), target.signal);
    }
  }
}

type Emit = (status: 'progress', current: number) => void;

function counted(source: AsyncIterable<Uint8Array>, start: number, emit: Emit): Readable {
  let sent = start;
  return Readable.from(
    (async function* () {
      for await (const chunk of source) {
        sent += chunk.length;
        emit('progress', sent);
        yield chunk;
      }
    })(),
    { objectMode: false },
  );
}

async function putMonolithic(target: BlobPushTarget, descriptor: Descriptor, location: URL, open: BlobOpener, emit: Emit): Promise<void> {
  const response = await target.transport.send({
    endpoint: target.endpoint,
    method: 'PUT',
    target: withDigest(location, descriptor.digest),
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(descriptor.size) },
    // A stream cannot be opened synchronously, so the body is a stream that opens the blob on first read.
    body: () => counted(lazy(() => open(0)), 0, emit),
    scopes: target.scopes,
    signal: target.signal,
    retry: false,
    action: `upload blob ${descriptor.digest} to`,
    reference: target.reference,
  });
  discardBody(response.body);
}

async function putChunked(target: BlobPushTarget, descriptor: Descriptor, first: URL, open: BlobOpener, chunkSize: number, emit: Emit): Promise<void> {
  const policy = target.transport.retryPolicy;
  let location = first;
  let offset = 0;
  let failures = 0;
  while (offset < descriptor.size) {
    const end = Math.min(offset + chunkSize, descriptor.size) - 1;
    const start = offset;
    try {
      const response = await target.transport.send({
        endpoint: target.endpoint,
        method: 'PATCH',
        target: location,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(end - start + 1), 'content-range': `${start}-${end}` },
        body: () => counted(slice(lazy(() => open(start)), end - start + 1), start, emit),
        scopes: target.scopes,
        signal: target.signal,
        retry: false,
        action: `upload blob ${descriptor.digest} (bytes ${start}-${end}) to`,
        reference: target.reference,
      });
      discardBody(response.body);
      location = uploadLocation(response, target.reference);
      offset = end + 1;
    } catch (error) {
      throwIfAborted(target.signal, error);
      failures++;
      const retryable = isRetryableNetworkError(error) || (error instanceof RegistryError && error.code === ErrorCode.Unavailable);
      if (!retryable || failures >= policy.attempts) throw error;
      await sleep(retryDelay(policy, failures), target.signal);
      ({ location, offset } = await uploadStatus(target, location));
    }
  }
  const response = await target.transport.send({
    endpoint: target.endpoint,
    method: 'PUT',
    target: withDigest(location, descriptor.digest),
    headers: { 'content-length': '0' },
    scopes: target.scopes,
    signal: target.signal,
    action: `finish the upload of blob ${descriptor.digest} to`,
    reference: target.reference,
  });
  discardBody(response.body);
}

/** `GET <session>`: how many bytes the registry holds (`Range: 0-<last>`), and the session's current URL. */
async function uploadStatus(target: BlobPushTarget, location: URL): Promise<{ location: URL; offset: number }> {
  const response = await target.transport.send({
    endpoint: target.endpoint,
    method: 'GET',
    target: location,
    scopes: target.scopes,
    signal: target.signal,
    action: 'check the upload session of',
    reference: target.reference,
  });
  discardBody(response.body);
  const range = /^(?:bytes=)?0-(\d+)$/.exec(headerValue(response.headers, 'range') ?? '');
  const next = headerValue(response.headers, 'location') === undefined ? location : uploadLocation(response, target.reference);
  return { location: next, offset: range === null ? 0 : Number(range[1]) + 1 };
}

async function* lazy(open: () => Promise<AsyncIterable<Uint8Array>>): AsyncGenerator<Uint8Array> {
  yield* await open();
}

/** The first `length` bytes of `source`; stops reading (and closes the source) once they are out. */
async function* slice(source: AsyncIterable<Uint8Array>, length: number): AsyncGenerator<Uint8Array> {
  let left = length;
  for await (const chunk of source) {
    if (chunk.length >= left) {
      yield chunk.subarray(0, left);
      return;
    }
    left -= chunk.length;
    yield chunk;
  }
  if (left > 0) throw new Error(`the blob ended ${left} bytes early`);
}
