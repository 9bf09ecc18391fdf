import { ErrorCode } from '@kiln/errors';
import type { Descriptor } from '@kiln/oci';
import type { RegistryContentStore, RegistryContentWriter } from './content-port.js';
import type { RegistryEndpoint } from './hosts.js';
import { headerValue } from './http/request.js';
import { isRetryableNetworkError, retryDelay, sleep } from './http/retry.js';
import { throwIfAborted, type RegistryTransport } from './http/transport.js';
import type { ProgressListener } from './progress.js';
import { RegistryError } from './registry-error.js';

/** Where and how to fetch one blob. */
export interface BlobFetchRequest {
  readonly transport: RegistryTransport;
  /** Endpoints to try in order (mirrors first); later ones are used only when an earlier one fails before sending bytes. */
  readonly endpoints: readonly RegistryEndpoint[];
  readonly repository: string;
  readonly descriptor: Descriptor;
  readonly store: RegistryContentStore;
  readonly reference: string;
  readonly scopes: readonly string[];
  readonly onProgress?: ProgressListener | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Downloads one blob into the content store, streaming: each chunk is hashed
 * and written as it arrives (the store's writer hashes it), so memory stays
 * flat whatever the size. When the
 * connection drops mid-blob, the download resumes with `Range:
 * bytes=<received>-` if the registry answers 206 from that offset, and starts
 * over (new writer) if it answers 200. Bytes beyond the descriptor's size, or
 * bytes that do not hash to its digest, abort the writer so nothing is stored.
 * A blob already in the store is not fetched.
 *
 * @throws RegistryError: DataLoss (digest or size mismatch), NotFound
 *   (BLOB_UNKNOWN), Unavailable (still broken after the retries), or what the
 *   registry said; CanceledError when `signal` fires (the writer is aborted).
 */
export async function fetchBlob(request: BlobFetchRequest): Promise<void> {
  const { descriptor, store, reference, onProgress, signal } = request;
  const emit = (status: Parameters<ProgressListener>[0]['status'], current: number): void =>
    onProgress?.({ direction: 'pull', reference, descriptor, status, current, total: descriptor.size });
  if (await store.has(descriptor.digest)) {
    emit('exists', descriptor.size);
    return;
  }
  const policy = request.transport.retryPolicy;
  const newWriter = (): Promise<RegistryContentWriter> => store.writer(descriptor.digest, { expectedDigest: descriptor.digest });
  let writer = await newWriter();
  let received = 0;
  let endpointIndex = 0;
  let failures = 0;
  emit('started', 0);
  try {
    for (;;) {
      throwIfAborted(signal);
      const endpoint = request.endpoints[endpointIndex]!;
      let response;
      try {
        response = await request.transport.send({
          endpoint,
          method: 'GET',
          target: `${request.repository}/blobs/${descriptor.digest}`,
          headers: received > 0 ? { range: `bytes=${received}-` } : {},
          scopes: request.scopes,
          signal,
          action: `fetch blob ${descriptor.digest} of`,
          reference,
        });
      } catch (error) {
        if (received === 0 && endpointIndex + 1 < request.endpoints.length && !(signal?.aborted ?? false)) {
          endpointIndex++;
          continue;
        }
        throw error;
      }
      if (received > 0 && !resumesAt(response.status, headerValue(response.headers, 'content-range'), received)) {
        // The registry ignored the Range: start the blob over from byte 0.
        await writer.abort();
        writer = await newWriter();
        received = 0;
        emit('retrying', 0);
      }
      try {
        for await (const chunk of response.body as AsyncIterable<Buffer>) {
          received += chunk.length;
          if (received > descriptor.size) {
            response.body.destroy();
            throw new RegistryError(ErrorCode.DataLoss, reference, `fetch blob ${descriptor.digest} of ${reference}: the registry sent more than the ${descriptor.size} bytes the descriptor says`);
          }
          await writer.write(chunk);
          emit('progress', received);
        }
        if (received === descriptor.size) break;
        throw Object.assign(new Error(`the body ended after ${received} of ${descriptor.size} bytes`), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
      } catch (error) {
        throwIfAborted(signal, error);
        failures++;
        if (!isRetryableNetworkError(error) || failures >= policy.attempts) {
          if (error instanceof RegistryError) throw error;
          throw new RegistryError(ErrorCode.Unavailable, reference, `fetch blob ${descriptor.digest} of ${reference}: the download broke off after ${received} of ${descriptor.size} bytes, ${failures} times: ${(error as Error).message}`, { cause: error });
        }
        emit('retrying', received);
        await sleep(retryDelay(policy, failures), signal);
      }
    }
  } catch (error) {
    await writer.abort().catch(() => {});
    throw error;
  }
  try {
    // The writer hashes as it writes; commit compares, and on a mismatch removes the bytes.
    await writer.commit(descriptor.size, descriptor.digest);
  } catch (error) {
    const code = (error as { code?: unknown }).code === ErrorCode.DataLoss ? ErrorCode.DataLoss : ErrorCode.Internal;
    throw new RegistryError(code, reference, `fetch blob ${descriptor.digest} of ${reference}: ${(error as Error).message}`, { cause: error });
  }
  emit('done', received);
}

/** True when a response to `Range: bytes=<offset>-` continues at `offset`. */
function resumesAt(status: number, contentRange: string | undefined, offset: number): boolean {
  if (status !== 206 || contentRange === undefined) return false;
  const match = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(contentRange.trim());
  return match !== null && Number(match[1]) === offset;
}
